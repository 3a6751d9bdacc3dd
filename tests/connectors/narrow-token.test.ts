/**
 * Issue #22: a founder's token that may not read every stream. A HubSpot private app without a scope
 * answers 403 MISSING_SCOPES naming it; a Stripe restricted key (`rk_…`) without a permission answers 403
 * invalid_request_error "… Having the 'rak_…' permission would allow this request to continue." A stream
 * the pack's models only read as optional lands nothing, the pull says so in one line (the stream, the
 * scope or permission from the answer, the two fixes), the rest of the pull and the build go on, and `dp run`
 * exits 0 (PRODUCT.md: 0 on success; the warning is on stderr and in the pull step). A required stream's
 * 403 fails the source (exit 1) naming what to grant, and nothing already landed or published is lost.
 * Through the real CLI (NO_COLOR=1) on `dp init acme --with stripe,hubspot` against the fakes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { STRIPE_COLUMNS } from "../../connectors/stripe/columns.ts";
import { CrmBuilder, FakeHubspot } from "../fakes/hubspot.ts";
import { PERMISSION } from "../fakes/stripe.ts";
import { StripeAccount } from "../fakes/stripe-account.ts";
import { InitProject, logged, optionalSourcesOf } from "./packs.ts";

const NOW = "2026-11-21T06:00:00Z";

/** Every scope the pack's HubSpot source uses, for a private app that lacks only some. */
const HUBSPOT_SCOPES = [
  "crm.objects.contacts.read",
  "crm.objects.companies.read",
  "crm.objects.deals.read",
  "crm.objects.owners.read",
  "crm.schemas.contacts.read",
  "crm.schemas.companies.read",
  "crm.schemas.deals.read",
  "oauth",
];
const without = (all: string[], ...lacking: string[]) => new Set(all.filter((s) => !lacking.includes(s)));

let stripe: StripeAccount;
let hubspot: FakeHubspot;
const made: InitProject[] = [];

async function founderProject(stripeKey: "secret" | "restricted"): Promise<InitProject> {
  const project = await InitProject.init(["stripe", "hubspot"], {
    STRIPE_API_KEY: stripeKey === "secret" ? stripe.fake.apiKey : stripe.fake.restrictedKey,
    STRIPE_BASE_URL: stripe.fake.url,
    HUBSPOT_TOKEN: hubspot.token,
    HUBSPOT_BASE_URL: hubspot.url,
  });
  made.push(project);
  return project;
}

const rawFiles = (project: InitProject, source: string, stream: string): string[] => {
  const dir = join(project.dir, "lake/raw", source, stream);
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : [];
};

beforeAll(async () => {
  stripe = await StripeAccount.start({ seed: "narrow-token", start: "2026-06-01T00:00:00Z" });
  const pro = stripe.price(stripe.product({ name: "Pro" }), { unitAmount: 3_000, interval: "month" });
  const team = stripe.price(stripe.product({ name: "Team" }), { unitAmount: 10_000, interval: "month" });
  const half = stripe.coupon({ id: "HALF", name: "Half off", duration: "forever", percentOff: 50 });
  const acme = stripe.customer({ name: "Acme", email: "ops@acme.example" });
  stripe.subscribe(acme, [{ price: pro, quantity: 1 }]);
  stripe.subscribe(stripe.customer({ name: "Beta", email: "it@beta.example" }), [{ price: team, quantity: 1 }], {
    coupon: half,
  });
  stripe.at("2026-07-15T00:00:00Z");
  stripe.refund(stripe.charges(acme)[0]!, { amount: 1_000 });
  stripe.at(NOW);
  hubspot = await FakeHubspot.start({});
  const crm = new CrmBuilder(hubspot);
  crm
    .at("2026-08-20T08:00:00Z")
    .owner("ana", { id: "81000001", email: "ana@acme.example", firstName: "Ana", lastName: "Silva", userId: 5100001 });
  crm.at("2026-09-01T10:00:00Z").company("acme", { name: "Acme Inc", domain: "acme.example" });
  crm
    .at("2026-09-01T10:00:00Z")
    .deal("D1", { name: "Boston", stage: "appointmentscheduled", amount: 10000, owner: "ana", company: "acme" });
  crm.at("2026-10-10T10:00:00Z").move("D1", "closedwon");
}, 120_000);

afterEach(() => {
  hubspot.scopes = undefined;
  stripe.fake.permissions = undefined;
});

afterAll(async () => {
  await stripe?.close();
  await hubspot?.close();
  for (const p of made) p.remove();
});

test("the Stripe pack's optional streams are products, coupons and refunds, declared as the connector lands them", async () => {
  const declared = await optionalSourcesOf("stripe", "models/staging/stripe/stripe.yml");
  // customers, prices, subscriptions, invoices, charges and events stay required: MRR, churn and revenue
  // are computed from them (events: the month-ends since the first pull)
  expect(declared.map((d) => `${d.model} ${d.stream}`)).toEqual([
    "stg_stripe__products products",
    "stg_stripe__coupons coupons",
    "stg_stripe__refunds refunds",
  ]);
  for (const d of declared) {
    expect(d.columns).toEqual(STRIPE_COLUMNS[d.stream]!);
    expect(d.when_absent?.length).toBeGreaterThan(20);
  }
});

describe("a HubSpot private app without the owners and companies scopes", () => {
  let project: InitProject;
  beforeAll(async () => {
    project = await founderProject("secret");
  }, 120_000);

  test("dp run skips both with one line each naming the scope and the fix, builds the marts and exits 0", async () => {
    hubspot.scopes = without(HUBSPOT_SCOPES, "crm.objects.owners.read", "crm.objects.companies.read");
    const run = await project.dp(["run"], NOW, 0);
    expect(run.stdout).toContain("success: run");
    expect(run.stdout).toContain("skipped (no access): hubspot.companies, hubspot.owners");
    const lines = logged(run.stderr).filter((m) => /hubspot\.(owners|companies)/.test(m));
    expect(lines).toEqual([
      "hubspot: optional stream hubspot.companies skipped: no access to stream companies (403): the credentials lack scope crm.objects.companies.read (MISSING_SCOPES); nothing landed for it and the pull goes on. Fix: add crm.objects.companies.read to the scopes of the HubSpot private app behind sources.hubspot.config.access_token (Settings → Integrations → Private apps → Scopes), or list sources.hubspot.config.streams without companies. Until then deals have no company name, and no Stripe customer is matched to a HubSpot company",
      'hubspot: optional stream hubspot.owners skipped: no access to stream owners (403): the credentials lack scope crm.objects.owners.read (MISSING_SCOPES); nothing landed for it and the pull goes on. Fix: add crm.objects.owners.read to the scopes of the HubSpot private app behind sources.hubspot.config.access_token (Settings → Integrations → Private apps → Scopes), or list sources.hubspot.config.streams without owners. Until then deals and the open pipeline name each owner "owner <id>" instead of the owner\'s name',
    ]);
    expect(rawFiles(project, "hubspot", "owners")).toEqual([]);
    expect(rawFiles(project, "hubspot", "companies")).toEqual([]);
    // what does not depend on owners or companies is exact
    expect(
      await project.sql(
        "SELECT deal_name, amount, is_won, owner, company_name, currency FROM marts.deals ORDER BY deal_name",
        NOW,
      ),
    ).toEqual([
      {
        deal_name: "Boston",
        amount: 10000,
        is_won: true,
        owner: "owner 81000001",
        company_name: null,
        currency: "USD",
      },
    ]);
    expect(
      await project.sql(
        "SELECT month, sum(deals_won) AS won FROM marts.deals_closed_monthly WHERE deals_won > 0 GROUP BY 1",
        NOW,
      ),
    ).toEqual([{ month: "2026-10-01", won: 1 }]);
    expect(await project.sql("SELECT mrr FROM marts.mrr_monthly WHERE month = DATE '2026-11-01'", NOW)).toEqual([
      { mrr: 80 },
    ]);
  }, 300_000);

  test("dp sources and dp build say why the streams are absent and how to grant the scope", async () => {
    const json = JSON.parse((await project.dp(["sources", "--json"], NOW)).stdout) as {
      source: string;
      absent_streams: { stream: string; why: string; fix: string }[];
    }[];
    const owners = json.find((s) => s.source === "hubspot")!.absent_streams.find((a) => a.stream === "owners")!;
    expect(owners.why).toBe("the last pull was denied: the credentials lack scope crm.objects.owners.read");
    expect(owners.fix).toBe(
      "add crm.objects.owners.read to the scopes of the HubSpot private app behind sources.hubspot.config.access_token (Settings → Integrations → Private apps → Scopes) and run `dp pull hubspot`; or list sources.hubspot.config.streams without owners",
    );
    const doctor = JSON.parse((await project.dp(["doctor", "--json"], NOW, 0)).stdout) as {
      checks: { name: string; status: string; fix?: string }[];
    };
    expect(doctor.checks.find((c) => c.name === "stream hubspot.owners")).toMatchObject({
      status: "warn",
      fix: owners.fix,
    });
    const build = await project.dp(["build"], NOW, 0);
    expect(logged(build.stderr)).toContain(
      'optional stream hubspot.owners is absent (the last pull was denied: the credentials lack scope crm.objects.owners.read): stg_hubspot__owners reads it empty; deals and the open pipeline name each owner "owner <id>" instead of the owner\'s name',
    );
  }, 300_000);

  test("dp pull alone skips it too, says so per stream and exits 0", async () => {
    hubspot.scopes = without(HUBSPOT_SCOPES, "crm.objects.owners.read");
    const pull = await project.dp(["pull", "hubspot"], NOW, 0);
    expect(pull.stdout).toContain("✓ hubspot:");
    expect(pull.stdout).toMatch(/\n {4}owners: 0 {2}\(skipped: no access\)/);
    expect(logged(pull.stderr).filter((m) => m.includes("optional stream hubspot.owners skipped"))).toHaveLength(1);
  }, 300_000);

  test("once the scope is granted the next run lands the owners and names them", async () => {
    const run = await project.dp(["run"], NOW, 0);
    expect(logged(run.stderr).filter((m) => m.includes("optional stream"))).toEqual([]);
    expect(await project.sql("SELECT owner, company_name FROM marts.deals", NOW)).toEqual([
      { owner: "Ana Silva", company_name: "Acme Inc" },
    ]);
    const json = JSON.parse((await project.dp(["sources", "--json"], NOW)).stdout) as {
      source: string;
      absent_streams: unknown[];
    }[];
    expect(json.find((s) => s.source === "hubspot")!.absent_streams).toEqual([]);
  }, 300_000);
});

describe("a HubSpot private app without the deals scope (required)", () => {
  test("the pull fails naming the scope, exit 1; what landed and what was published before stays", async () => {
    const project = await founderProject("secret");
    await project.dp(["run"], NOW, 0);
    const before = rawFiles(project, "hubspot", "deals");
    expect(before.length).toBeGreaterThan(0);
    hubspot.scopes = without(HUBSPOT_SCOPES, "crm.objects.deals.read");
    const run = await project.dp(["run"], NOW, 1);
    const out = run.stdout + run.stderr;
    expect(out).toContain("no access to stream deals (403): the credentials lack scope crm.objects.deals.read");
    expect(out).toContain("add crm.objects.deals.read to the scopes of the HubSpot private app");
    expect(out).not.toContain("optional stream hubspot.deals");
    expect(rawFiles(project, "hubspot", "deals")).toEqual(before);
    // the marts published by the good run are still there, whole
    expect(await project.sql("SELECT deal_name, owner, is_won FROM marts.deals", NOW)).toEqual([
      { deal_name: "Boston", owner: "Ana Silva", is_won: true },
    ]);
    expect(await project.sql("SELECT mrr FROM marts.mrr_monthly WHERE month = DATE '2026-11-01'", NOW)).toEqual([
      { mrr: 80 },
    ]);
  }, 300_000);

  test("a token HubSpot does not know (401) fails the pull even though owners is optional", async () => {
    const project = await founderProject("secret");
    project.write(".env", project.read(".env").replace(hubspot.token, "pat-na1-00000000-0000-0000-0000-000000000000"));
    const run = await project.dp(["run"], NOW, 1);
    expect(run.stdout + run.stderr).toContain("hubspot rejected the credentials (401)");
    expect(run.stderr).not.toContain("optional stream hubspot.owners skipped");
  }, 300_000);
});

describe("a Stripe restricted key without coupons, refunds and products", () => {
  let project: InitProject;
  beforeAll(async () => {
    project = await founderProject("restricted");
  }, 120_000);

  test("dp run skips the three with the permission Stripe names, the billing marts build, exit 0", async () => {
    stripe.fake.permissions = without(
      Object.values(PERMISSION),
      PERMISSION.coupons!,
      PERMISSION.refunds!,
      PERMISSION.products!,
    );
    const run = await project.dp(["run"], NOW, 0);
    expect(run.stdout).toContain("success: run");
    const lines = logged(run.stderr).filter((m) => m.startsWith("stripe: optional stream stripe."));
    expect(lines.map((l) => l.split(" skipped:")[0])).toEqual([
      "stripe: optional stream stripe.products",
      "stripe: optional stream stripe.coupons",
      "stripe: optional stream stripe.refunds",
    ]);
    expect(lines[2]).toBe(
      "stripe: optional stream stripe.refunds skipped: no access to stream refunds (403): the credentials lack permission rak_refund_read; nothing landed for it and the pull goes on. Fix: give the restricted key behind sources.stripe.config.api_key the rak_refund_read permission (Stripe Dashboard → Developers → API keys → edit the key: Read), or drop refunds from sources.stripe.config.streams. Until then revenue collected (revenue_monthly) is succeeded charges with no refund taken off; MRR and churn are unaffected",
    );
    // no discount can be valued without the coupon: MRR is before discounts (Beta's 100, not 50), as said
    expect(
      await project.sql(
        "SELECT c.customer_name, m.mrr FROM marts.customer_mrr_monthly m JOIN marts.customers c USING (customer_id) WHERE m.month = DATE '2026-11-01' ORDER BY 1",
        NOW,
      ),
    ).toEqual([
      { customer_name: "Acme", mrr: 30 },
      { customer_name: "Beta", mrr: 100 },
    ]);
    // plans are named by product id; the MRR by plan is exact
    const plans = await project.sql<{ plan: string; mrr: number }>(
      "SELECT plan, mrr FROM marts.mrr_by_plan_monthly WHERE month = DATE '2026-11-01' ORDER BY mrr",
      NOW,
    );
    expect(plans.map((p) => p.mrr)).toEqual([30, 100]);
    for (const p of plans) expect(p.plan).toMatch(/^prod_/);
    // charges are exact; the July refund of 10 is not taken off, as the warning says
    expect(
      await project.sql(
        "SELECT month, charges_succeeded, refunds, revenue_collected FROM marts.revenue_monthly WHERE month = DATE '2026-07-01'",
        NOW,
      ),
    ).toEqual([{ month: "2026-07-01", charges_succeeded: 80, refunds: 0, revenue_collected: 80 }]);
  }, 300_000);

  test("with every permission the same project answers with discounts, refunds and plan names", async () => {
    const run = await project.dp(["run"], NOW, 0);
    expect(logged(run.stderr).filter((m) => m.includes("optional stream"))).toEqual([]);
    expect(
      await project.sql(
        "SELECT plan, mrr FROM marts.mrr_by_plan_monthly WHERE month = DATE '2026-11-01' ORDER BY mrr",
        NOW,
      ),
    ).toEqual([
      { plan: "Pro", mrr: 30 },
      { plan: "Team", mrr: 50 },
    ]);
    expect(
      await project.sql(
        "SELECT refunds, revenue_collected FROM marts.revenue_monthly WHERE month = DATE '2026-07-01'",
        NOW,
      ),
    ).toEqual([{ refunds: 10, revenue_collected: 70 }]);
  }, 300_000);

  test("without rak_subscription_read (required) the pull fails naming the permission, exit 1", async () => {
    stripe.fake.permissions = without(Object.values(PERMISSION), PERMISSION.subscriptions!);
    const run = await project.dp(["run"], NOW, 1);
    const out = run.stdout + run.stderr;
    expect(out).toContain(
      "no access to stream subscriptions (403): the credentials lack permission rak_subscription_read",
    );
    expect(out).toContain(
      "give the restricted key behind sources.stripe.config.api_key the rak_subscription_read permission",
    );
    // the marts of the last good run stay published
    expect(await project.sql("SELECT mrr FROM marts.mrr_monthly WHERE month = DATE '2026-11-01'", NOW)).toEqual([
      { mrr: 80 },
    ]);
  }, 300_000);
});
