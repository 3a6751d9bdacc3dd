/**
 * A quiet account (a small founder: nothing changes in Stripe for days) reaches a new month on its first pull
 * of it. A pull lands only what is new or changed (cron5), so the newest landing stays at the last change; the
 * month-end models take "now" from greatest(newest landing, {{ last_pull('stripe') }}), the last pull's UTC day.
 * The Stripe pack, pulled by the real connector from the fake: one customer on Pro ($100/month) from Oct 5.
 * Pulled Nov 28; pulled again Dec 1 00:15 with nothing changed: December's MRR row is there and equals
 * November's end ($100), and `dp ask` says it is as of that pull. 15 minutes later, nothing changed again:
 * the month-end models are skipped. A new customer on Basic ($20): they rebuild and December says $120.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StripeObject } from "../fakes/stripe.ts";
import { StripeAccount } from "../fakes/stripe-account.ts";
import { InitProject } from "../connectors/packs.ts";
import { runDp } from "../helpers.ts";

const NOV28 = "2026-11-28T06:00:00Z";
const DEC1 = "2026-12-01T00:15:00Z";
const DEC1_LATER = "2026-12-01T00:30:00Z";
const DEC1_CHANGE = "2026-12-01T00:45:00Z";
// the models whose rows depend on "now" (the current month) and what reads them
const MONTH_END_MODELS = [
  "int_stripe__month_ends",
  "int_stripe__subscription_states",
  "int_stripe__subscription_mrr",
  "mrr_monthly",
  "mrr_by_plan_monthly",
  "customer_mrr_monthly",
];

let account: StripeAccount;
let project: InitProject;
let basic: StripeObject;

type RunJson = { ok: boolean; build?: { models: { model: string; status: string }[] } };

/** `dp run --json` with "now" pinned: each model's status (success: built; unchanged: skipped). */
async function run(now: string): Promise<Record<string, string>> {
  const r = await runDp(["run", "--json", "-C", project.dir], {
    env: { DP_NOW: now, NO_COLOR: "1" },
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`dp run exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  const json = JSON.parse(r.stdout) as RunJson;
  expect(json.ok).toBe(true);
  return Object.fromEntries((json.build?.models ?? []).map((m) => [m.model, m.status]));
}

function statusOf(models: Record<string, string>): Record<string, string> {
  return Object.fromEntries(MONTH_END_MODELS.map((m) => [m, models[m]!]));
}

async function mrr(now: string): Promise<{ month: string; mrr: number }[]> {
  const rows = await project.sql<{ month: string; mrr: number }>(
    "select cast(month as varchar) as month, mrr from marts.mrr_monthly where month >= '2026-10-01' order by month",
    now,
  );
  return rows.map((r) => ({ month: r.month, mrr: Number(r.mrr) }));
}

beforeAll(async () => {
  account = await StripeAccount.start({ seed: "dp-quiet", start: "2026-10-01T09:00:00Z" });
  const pro = account.price(account.product({ name: "Pro" }), { unitAmount: 10000, interval: "month" });
  basic = account.price(account.product({ name: "Basic" }), { unitAmount: 2000, interval: "month" });
  account.at("2026-10-05T10:00:00Z");
  account.subscribe(account.customer({ name: "Acme", email: "ops@acme.example" }), [{ price: pro }]);
  // Acme's Nov 5 renewal; nothing happens from Nov 5 to Dec 5
  account.at(NOV28);
  project = await InitProject.init(["stripe"], {
    STRIPE_API_KEY: account.fake.apiKey,
    STRIPE_BASE_URL: account.fake.url,
  });
  await run(NOV28);
}, 300_000);

afterAll(async () => {
  await account?.close();
  project?.remove();
});

describe("a quiet account's new month (nothing lands between Nov 28 and Dec 1)", () => {
  test("Nov 28: October and November, $100 each; no December yet", async () => {
    expect(await mrr(NOV28)).toEqual([
      { month: "2026-10-01", mrr: 100 },
      { month: "2026-11-01", mrr: 100 },
    ]);
  });

  test("the first pull of December, with nothing new, brings December's row at November's end; dp ask reads it as of the pull", async () => {
    const built = await run(DEC1);
    // nothing landed: the staging models are skipped, the month-end ones rebuilt (the pull's day moved)
    expect(built.stg_stripe__subscriptions).toBe("unchanged");
    expect(built.stg_stripe__invoices).toBe("unchanged");
    expect(built.stg_stripe__events).toBe("unchanged");
    expect(statusOf(built)).toEqual(Object.fromEntries(MONTH_END_MODELS.map((m) => [m, "success"])));
    expect(await mrr(DEC1)).toEqual([
      { month: "2026-10-01", mrr: 100 },
      { month: "2026-11-01", mrr: 100 },
      { month: "2026-12-01", mrr: 100 },
    ]);
    const [month] = await project.sql<{ as_of: string; is_current: boolean; now_at: string }>(
      `select cast(as_of as varchar) as as_of, is_current, cast(now_at as varchar) as now_at
       from intermediate.int_stripe__month_ends where month = '2026-12-01'`,
      DEC1,
    );
    expect(month?.is_current).toBe(true);
    expect(month?.now_at.slice(0, 19)).toBe("2026-12-01 00:00:00");

    const asked = await runDp(["ask", "--offline", "MRR this month", "-C", project.dir], {
      env: { DP_NOW: DEC1, NO_COLOR: "1" },
    });
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain("MRR in December 2026 (to date) was $100.00.");
    // as of the pull, not of the last change landed (Nov 5's renewal) or of the Nov 28 pull
    expect(asked.stdout).toContain("data as of 2026-12-01 00:15 UTC (stripe: fresh)");
  }, 300_000);

  test("a pull 15 minutes later, nothing new: the month-end models are skipped as unchanged", async () => {
    const built = await run(DEC1_LATER);
    expect(statusOf(built)).toEqual(Object.fromEntries(MONTH_END_MODELS.map((m) => [m, "unchanged"])));
    expect(Object.values(built).every((s) => s === "unchanged")).toBe(true);
    const asked = await runDp(["ask", "--offline", "MRR this month", "-C", project.dir], {
      env: { DP_NOW: DEC1_LATER, NO_COLOR: "1" },
    });
    expect(asked.stdout).toContain("data as of 2026-12-01 00:30 UTC (stripe: fresh)");
  }, 300_000);

  test("a change (a new customer on Basic at 00:40) rebuilds them: December is $120, November stays $100", async () => {
    account.at("2026-12-01T00:40:00Z");
    account.subscribe(account.customer({ name: "Bolt", email: "ops@bolt.example" }), [{ price: basic }]);
    const built = await run(DEC1_CHANGE);
    expect(built.stg_stripe__subscriptions).toBe("success");
    expect(statusOf(built)).toEqual(Object.fromEntries(MONTH_END_MODELS.map((m) => [m, "success"])));
    expect(await mrr(DEC1_CHANGE)).toEqual([
      { month: "2026-10-01", mrr: 100 },
      { month: "2026-11-01", mrr: 100 },
      { month: "2026-12-01", mrr: 120 },
    ]);
  }, 300_000);
});
