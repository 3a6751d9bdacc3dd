import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dp, tempDir } from "../helpers.ts";

/**
 * The decision plane as a new user meets it: `dp init --demo` in a temp dir, no API key, `dp run`,
 * then review, authority, ask, runs and brief, all through the real binary.
 */
const dir = join(tempDir("dp-decisions-demo-"), "acme");
const env = { DP_NOW: "2026-11-21T06:00:00Z", ANTHROPIC_API_KEY: undefined };
const run = (...args: string[]) => dp([...args, "-C", dir], { env });
const sql = (q: string) => {
  const r = run("sql", "--json", q);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, any>[];
};
const outbox = () =>
  existsSync(join(dir, "outbox/churn_risk.jsonl"))
    ? readFileSync(join(dir, "outbox/churn_risk.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];
const audit = () =>
  readFileSync(join(dir, ".dp/audit.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

let first: ReturnType<typeof dp>;
let paying: number;
beforeAll(() => {
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
  first = run("run");
  // paying Stripe customers; the demo's test accounts are `excluded` (project.yaml vars.excluded_*), as in account_health
  paying = sql(`select count(*)::int as n from marts.customers where status in ('active', 'past_due')`)[0]!.n;
  const tests = sql(`select count(*)::int as n from marts.customers where status in ('active', 'past_due')
    and customer_id in (select customer_id from staging.stg_stripe__customers
      where email like '%@example.com' or upper(customer_name) like 'TEST %')`)[0]!.n;
  expect(tests).toBe(0);
});

describe("churn-risk decisions on the demo", () => {
  test("dp run decides every paying account after the marts' tests pass", () => {
    expect(first.code).toBe(0);
    const lines = first.stdout.split("\n");
    const tests = lines.findIndex((l) => /^✓ test: (\d+)\/\1 tests passed/.test(l));
    const decide = lines.findIndex((l) => l.startsWith("✓ decide: churn_risk:"));
    expect(tests).toBeGreaterThan(-1);
    expect(decide).toBeGreaterThan(tests);
    expect(lines[decide]).toContain(`${paying} rows, ${paying} decided, 0 unchanged`);
    expect(sql("select count(*)::int as n from marts.churn_risk where label is not null")[0]!.n).toBe(paying);
    // a failing payment is the clearest warning sign there is: every such account is high risk
    const missed =
      sql(`select count(*)::int as n from marts.churn_risk c join marts.account_health h using (customer_id)
      where (h.status = 'past_due' or h.failed_payments_30d >= 2) and c.label <> 'high'`)[0]!.n;
    expect(missed).toBe(0);
    // sure, autonomous high risks act (the demo's act appends to an outbox), each once
    const acted = sql("select decision_id from marts.churn_risk where status = 'acted' order by 1").map(
      (r) => r.decision_id,
    );
    expect(acted.length).toBeGreaterThan(0);
    expect(
      outbox()
        .map((m) => m.decision_id)
        .sort(),
    ).toEqual(acted);
    expect(audit().filter((a) => a.action === "send" && a.actor === "decision").length).toBe(acted.length);
    // the decisions went out in the build's publish: one snapshot for the run, not one per step
    expect(readdirSync(join(dir, "warehouse/snapshots")).filter((f) => f.endsWith(".duckdb"))).toHaveLength(1);
  });

  test("a second run re-decides nothing; a changed context re-decides only its rows", () => {
    const again = run("run");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`decide: churn_risk: ${paying} rows, 0 decided, ${paying} unchanged; $0.0000`);
    const model = join(dir, "models/marts/account_health.sql");
    const sqlText = readFileSync(model, "utf8");
    expect(sqlText).toContain("    ) as context");
    writeFileSync(
      model,
      sqlText.replace(
        "    ) as context",
        "    ) || case when plan_tier = 'enterprise' then ' Enterprise plan.' else '' end as context",
      ),
    );
    const enterprise = sql("select count(*)::int as n from marts.account_health where plan_tier = 'enterprise'")[0]!.n;
    expect(enterprise).toBeGreaterThan(0);
    const decideLines = audit().filter((a) => a.action === "decide").length;
    const third = run("run");
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(`${paying} rows, ${enterprise} decided, ${paying - enterprise} unchanged`);
    expect(audit().filter((a) => a.action === "decide").length - decideLines).toBe(enterprise);
  });

  test("low-confidence rows wait in dp review; approving one runs its act exactly once, audited", () => {
    const list = run("review", "--json");
    expect(list.code).toBe(0);
    const queue = JSON.parse(list.stdout) as any[];
    const queued = sql("select count(*)::int as n from marts.churn_risk where status = 'queued'")[0]!.n;
    expect(queue.length).toBe(queued);
    const unsure = queue.filter((q) => q.label === "high");
    expect(unsure.length).toBeGreaterThan(0);
    for (const q of unsure) {
      expect(q.confidence).toBeLessThan(0.7);
      expect(q.why).toContain("below the threshold 0.7");
      expect(q.act).toBe("notify → outbox/churn_risk.jsonl");
    }
    expect(queue.filter((q) => q.label === "medium").every((q) => q.why === "medium only recommends")).toBe(true);
    expect(run("review").stdout).toContain(`${queue.length} wait for a person`);

    const pick = unsure[0];
    const approve = run("review", "--approve", pick.decision_id, "--by", "ana@acme.io");
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain(
      `churn_risk ${pick.decision_id} (${pick.key}, high) approved by ana@acme.io; ran notify`,
    );
    expect(outbox().filter((m) => m.decision_id === pick.decision_id).length).toBe(1);
    const again = run("review", "--approve", pick.decision_id);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain("already approved by ana@acme.io");
    expect(outbox().filter((m) => m.decision_id === pick.decision_id).length).toBe(1);
    const sends = audit().filter((a) => a.action === "send" && a.actor === "review");
    expect(sends.length).toBe(1);
    expect(sends[0].approved_by).toBe(`review: ana@acme.io (churn_risk/${pick.decision_id})`);
    expect(
      audit()
        .filter((a) => a.action === "review")
        .map((a) => [a.decision_id, a.verdict]),
    ).toEqual([[pick.decision_id, "approved"]]);
    const reject = run("review", "--reject", queue.find((q) => q.label === "medium").decision_id);
    expect(reject.code).toBe(0);
    expect(JSON.parse(run("review", "--json").stdout).length).toBe(queue.length - 2);
    expect(sql(`select status from marts.churn_risk where decision_id = '${pick.decision_id}'`)[0]!.status).toBe(
      "approved",
    );
  });

  test("dp authority prints the map: every label, act tool, export and alert with authority, threshold and owner", () => {
    const r = run("authority");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /decision\s+churn_risk\.high\s+autonomous\s+0\.7\s+ana@acme\.io\s+notify → outbox\/churn_risk\.jsonl/,
    );
    expect(r.stdout).toMatch(/decision\s+churn_risk\.medium\s+recommend\s+0\.7\s+ana@acme\.io/);
    expect(r.stdout).toMatch(/tool\s+export_mart\s+act/);
    expect(r.stdout).toContain("churn_risk.high: a customer success manager spends an hour");
    const map = JSON.parse(run("authority", "--json").stdout) as any[];
    expect(map.map((e) => `${e.kind}:${e.name}:${e.authority}`)).toEqual([
      "decision:churn_risk.high:autonomous",
      "decision:churn_risk.medium:recommend",
      "decision:churn_risk.low:autonomous",
      "tool:export_mart:act",
      "tool:notify:act",
    ]);
    expect(map[0].declared_at).toMatch(/^decisions\/churn_risk\.yml:\d+$/);
  });

  test('"which customers are at risk?" is a list: refused with the count as the nearest question, which answers from the decisions mart', () => {
    // the list itself is rows of names (personal data), and a count is another question: refused, never a number
    const list = run("ask", "--json", "which customers are at risk of churning?");
    expect(list.code).toBe(0);
    const refused = JSON.parse(list.stdout);
    expect(refused.status).toBe("refused");
    expect(refused.answer).not.toMatch(/\d/);
    expect(refused.suggestions).toEqual(["how many customers are at risk of churning"]);
    const r = run("ask", "--json", refused.suggestions[0]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe("answered");
    expect(out.tool_calls[0].input.metric).toBe("accounts_at_risk");
    const expected = sql(
      "select count(*)::int as n from marts.churn_risk where label = 'high' and status <> 'rejected'",
    )[0]!.n;
    expect(out.answer).toContain(`was ${expected}`);
    expect(out.citations[0].model).toBe("marts.churn_risk");
    expect(out.citations[0].parents).toEqual(["marts.account_health"]);
    expect([...new Set(out.citations[0].sources.map((s: any) => s.source))].sort()).toEqual([
      "product",
      "stripe",
      "support",
    ]);
    expect(out.citations[0].tests.total).toBeGreaterThan(0);
    expect(out.citations[0].tests.failing).toEqual([]);
  });

  test("cost per run and per decision: dp runs and the audit", () => {
    const runs = JSON.parse(run("runs", "--json").stdout) as any[];
    const decide = runs.map((x) => x.steps.find((s: any) => s.step === "decide")).filter(Boolean);
    expect(decide.length).toBe(3);
    expect(decide.every((s: any) => s.cost_usd === 0)).toBe(true);
    expect(run("runs").stdout).toMatch(/cost[\s\S]*\$0\.0000/);
    const lines = audit();
    const perRun = lines.filter((a) => a.action === "decide_run");
    expect(perRun.length).toBe(3);
    expect(perRun.every((a) => a.cost_usd === 0 && a.provider === "offline")).toBe(true);
    expect(lines.filter((a) => a.action === "decide").every((a) => a.cost_usd === 0 && a.decision_id)).toBe(true);
    expect(sql("select count(*)::int as n from marts.churn_risk where cost_usd is null")[0]!.n).toBe(0);
  });

  test("dp brief shows what was decided and what waits for a person", () => {
    const waiting = JSON.parse(run("review", "--json").stdout).length;
    const r = run("brief");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`churn_risk on ${paying} rows of account_health (offline`);
    expect(r.stdout).toContain(`${waiting} wait for a person (dp review)`);
    expect(r.stdout).toMatch(/high \d+, medium \d+, low \d+; \d+ acted, 1 approved, 1 rejected/);
  });

  test("dp review on a terminal asks row by row: approve, skip, reject, quit", async () => {
    const queue = JSON.parse(run("review", "--json").stdout) as any[];
    const [a, b, c] = queue;
    // `script` gives the command a terminal; the answers are typed ahead
    const p = Bun.spawn(
      ["script", "-qec", `bun ${join(import.meta.dir, "../../cli/main.ts")} review -C ${dir} --by omar`, "/dev/null"],
      {
        env: { ...process.env, ...env, NO_COLOR: "1", ANTHROPIC_API_KEY: "" },
        stdin: new Blob(["a\ns\nr\nq\n"]),
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const out = await new Response(p.stdout).text();
    expect(await p.exited).toBe(0);
    expect(out).toContain(`${queue.length} wait for a person`);
    expect(out).toContain(`churn_risk ${a.decision_id} (${a.key}, ${a.label}) approved by omar`);
    expect(out).toContain(`churn_risk ${c.decision_id} (${c.key}, ${c.label}) rejected by omar`);
    const status = (id: string) => sql(`select status from marts.churn_risk where decision_id = '${id}'`)[0]!.status;
    expect([status(a.decision_id), status(b.decision_id), status(c.decision_id)]).toEqual([
      "approved",
      "queued",
      "rejected",
    ]);
    expect(outbox().filter((m) => m.decision_id === a.decision_id).length).toBe(1);
  });

  test("breaking a test upstream stops the decision step and says so; the decisions stay", () => {
    const before = sql("select count(*)::int as n, sum(hash(decision_id))::varchar as h from marts.churn_risk")[0];
    // marts.customers (the stripe pack's) now refuses past_due, which six paying accounts are
    const yml = join(dir, "models/marts/billing/billing.yml");
    const text = readFileSync(yml, "utf8");
    expect(text).toContain("values: [active, past_due, trialing, churned, never_paid, excluded]");
    writeFileSync(
      yml,
      text.replace(
        "values: [active, past_due, trialing, churned, never_paid, excluded]",
        "values: [active, trialing, churned, never_paid, excluded]",
      ),
    );
    const r = run("run");
    writeFileSync(yml, text);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /- decide: churn_risk not run: its input marts\.account_health was not rebuilt .*previous decisions stay/,
    );
    expect(sql("select count(*)::int as n, sum(hash(decision_id))::varchar as h from marts.churn_risk")[0]).toEqual(
      before,
    );
  });
});
