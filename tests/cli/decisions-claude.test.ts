import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cutOff, FakeAnthropic, forcedTool, refusal, type FakeTurn, userText } from "../fakes/anthropic.ts";
import {
  ACCOUNTS_CSV,
  CHURN_YML,
  decisionProject,
  EXPECTED_OFFLINE,
  PROJECT_YAML,
  writeAccounts,
} from "../engine/decide/decision-project.ts";
import { FakeSlack } from "../fakes/slack.ts";
import { runDp, snapshotRows, spawnDp } from "../helpers.ts";

/**
 * The decision plane's real path, through the binary: the Claude provider against a recording fake of
 * the Messages API. The fake "model" reads the context it is sent and answers through the forced tool,
 * as the real API does; the strong model is surer of itself, so escalations show in the confidence.
 */
let fake: FakeAnthropic;
const env = () => ({ ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake.url });
const HAIKU = { input_tokens: 700, output_tokens: 60 };
const SONNET = { input_tokens: 720, output_tokens: 70 };

function judge(text: string): { label: string; confidence: number } {
  const n = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  const logins = n(/Logins: (\d+) in the last 30/);
  const before = n(/, (\d+) in the 30 days before/);
  const tickets = n(/(\d+) open support tickets/);
  const failed = n(/(\d+) failed payments/);
  if (/Plan enterprise/.test(text) && tickets >= 3) return { label: "exec_review", confidence: 0.8 };
  if (failed >= 2 || logins === 0) return { label: "high", confidence: 0.9 };
  if (logins < before * 0.5) return { label: "high", confidence: 0.6 };
  if (tickets >= 2 || failed === 1) return { label: "medium", confidence: 0.72 };
  return { label: "low", confidence: 0.88 };
}

function model(body: any): FakeTurn {
  const strong = String(body.model).startsWith("claude-sonnet");
  const { label, confidence } = judge(userText(body));
  return {
    content: [
      {
        type: "tool_use",
        name: forcedTool(body) ?? "record_decision",
        input: {
          label,
          confidence: strong ? Math.min(1, confidence + 0.05) : confidence,
          reason: `Judged ${label} from the usage, tickets and payments in the context.`,
        },
      },
    ],
    usage: strong ? SONNET : HAIKU,
  };
}

/** the accounts the decision covers (acc_11 is canceled) */
const ACTIVE = Object.keys(EXPECTED_OFFLINE).sort();
/** the churn decision without the strong model, so each row is one request */
const NO_ESCALATION = CHURN_YML.replace("strong_for: [high]", "strong_for: []");
const rowOf = (body: any) => /Row (acc_\d+)/.exec(userText(body))?.[1];
const haikuCost = (HAIKU.input_tokens * 1 + HAIKU.output_tokens * 5) / 1e6;
const sonnetCost = (SONNET.input_tokens * 3 + SONNET.output_tokens * 15) / 1e6;

async function run(dir: string, extra: string[] = []) {
  return runDp(["run", "-C", dir, "--json", ...extra], { env: env() });
}
const decideStep = (stdout: string) => JSON.parse(stdout).steps.find((s: any) => s.step === "decide");
const martRows = (dir: string) =>
  snapshotRows(dir, "SELECT * FROM marts.churn ORDER BY account_id") as Promise<Record<string, any>[]>;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.otherwise(model);
});

describe("decisions with Claude (fake Messages API)", () => {
  test("every row is asked through the forced record_decision tool, the high ones again by the strong model; no PII leaves", async () => {
    const dir = decisionProject();
    const r = await run(dir);
    expect(r.code).toBe(0);
    const reqs = fake.answered();
    for (const q of reqs) {
      expect(q.body.tool_choice).toEqual({ type: "tool", name: "record_decision" });
      expect(q.body.tools.map((t: any) => t.name)).toEqual(["record_decision"]);
      expect(q.body.tools[0].input_schema.properties.label.enum).toEqual(["high", "medium", "low", "exec_review"]);
      expect(q.body.tools[0].input_schema.required.sort()).toEqual(["confidence", "label", "reason"]);
      expect(q.body.system).toContain("How likely is this account to cancel in the next 60 days?");
      expect(q.body.max_tokens).toBe(400);
      // company names are tagged pii and are not in the context: none may reach the API
      for (const company of ["Northwind", "Contoso", "Fabrikam", "Adventure Works", "Lucerne"])
        expect(q.raw).not.toContain(company);
    }
    const cheap = reqs.filter((q) => q.body.model === "claude-haiku-4-5").map((q) => rowOf(q.body));
    const strong = reqs.filter((q) => q.body.model === "claude-sonnet-4-6").map((q) => rowOf(q.body));
    expect(cheap.sort()).toEqual(ACTIVE);
    expect(strong.sort()).toEqual(["acc_03", "acc_06", "acc_09"]);

    const rows = await martRows(dir);
    expect(rows.map((x) => x.account_id)).toEqual(cheap.sort() as string[]);
    const by = Object.fromEntries(rows.map((x) => [x.account_id, x]));
    expect(by.acc_03).toMatchObject({
      label: "high",
      model: "claude-sonnet-4-6",
      provider: "anthropic",
      status: "acted",
    });
    expect(by.acc_03.confidence).toBeCloseTo(0.95, 9);
    // the strong model is surer, but 0.65 is still below the threshold: a recommendation
    expect(by.acc_09).toMatchObject({ label: "high", status: "queued", authority: "recommend" });
    expect(by.acc_02).toMatchObject({ label: "exec_review", status: "needs_human", authority: "human_required" });
    expect(by.acc_01).toMatchObject({ label: "low", status: "decided", model: "claude-haiku-4-5" });
    expect(by.acc_03.cost_usd).toBeCloseTo(haikuCost + sonnetCost, 9);
    expect(by.acc_03.input_tokens).toBe(HAIKU.input_tokens + SONNET.input_tokens);
    expect(by.acc_01.cost_usd).toBeCloseTo(haikuCost, 9);

    // cost per run: dp runs and the audit agree with the sum over the rows
    const total = 8 * haikuCost + 3 * (haikuCost + sonnetCost);
    expect(decideStep(r.stdout).cost_usd).toBeCloseTo(total, 9);
    const runs = JSON.parse((await runDp(["runs", "--json", "-C", dir])).stdout);
    expect(runs[0].steps.find((s: any) => s.step === "decide").cost_usd).toBeCloseTo(total, 9);
    expect((await runDp(["runs", "-C", dir])).stdout).toContain(`$${total.toFixed(4)}`);
    const audit = readFileSync(join(dir, ".dp/audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const lines = audit.filter((a) => a.action === "decide");
    expect(lines.length).toBe(11);
    expect(lines.reduce((n, a) => n + a.cost_usd, 0)).toBeCloseTo(total, 6);
    expect(audit.find((a) => a.action === "decide_run").cost_usd).toBeCloseTo(total, 6);
  }, 120_000);

  test("a second run sends nothing and bills nothing; a change re-sends only the changed rows", async () => {
    const dir = decisionProject();
    expect((await run(dir)).code).toBe(0);
    fake.reset();
    fake.otherwise(model);
    const again = await run(dir);
    expect(again.code).toBe(0);
    expect(fake.requests.length).toBe(0);
    expect(decideStep(again.stdout)).toMatchObject({ cost_usd: 0, rows: 0 });
    expect(decideStep(again.stdout).detail).toContain("0 decided, 11 unchanged");

    // two accounts change (acc_07 stops logging in: high; acc_10 gets a ticket or two: medium)
    writeAccounts(
      dir,
      ACCOUNTS_CSV.split("\n")
        .filter((l) => l.startsWith("account_id") || l.startsWith("acc_07") || l.startsWith("acc_10"))
        .map((l) =>
          l.replace("acc_07,Litware Inc,starter,49,active,30,28,0,0", "acc_07,Litware Inc,starter,49,active,0,28,0,0"),
        )
        .map((l) =>
          l.replace("acc_10,Coho Winery,starter,49,active,19,22,0,0", "acc_10,Coho Winery,starter,49,active,19,22,2,0"),
        )
        .join("\n"),
    );
    const third = await run(dir);
    expect(third.code).toBe(0);
    const sent = fake.answered().map((q) => `${rowOf(q.body)}:${q.body.model}`);
    expect(sent.sort()).toEqual(["acc_07:claude-haiku-4-5", "acc_07:claude-sonnet-4-6", "acc_10:claude-haiku-4-5"]);
    expect(decideStep(third.stdout).cost_usd).toBeCloseTo(2 * haikuCost + sonnetCost, 9);
    const by = Object.fromEntries((await martRows(dir)).map((x) => [x.account_id, x]));
    expect(by.acc_07).toMatchObject({ label: "high", status: "acted" });
    expect(by.acc_10).toMatchObject({ label: "medium", status: "queued" });
  }, 120_000);

  test("429 and 529 are retried (retry-after honoured); an API that stays overloaded stops the step and bills nothing twice", async () => {
    const dir = decisionProject({ "decisions/churn.yml": NO_ESCALATION });
    fake.failNext(429, 1, "0.001").failNext(529, 1, "0.001");
    const ok = await run(dir);
    expect(ok.code).toBe(0);
    expect(fake.requests.filter((q) => q.status === 429 || q.status === 529).length).toBe(2);
    expect((await martRows(dir)).filter((x) => x.label).length).toBe(11);

    const slack = await FakeSlack.start();
    const dir2 = decisionProject({
      "decisions/churn.yml": NO_ESCALATION,
      "project.yaml": `${PROJECT_YAML}alerts: { slack_webhook: "\${SLACK_WEBHOOK_URL}" }\n`,
      ".env": `SLACK_WEBHOOK_URL=${slack.url}\n`,
    });
    fake.reset();
    fake.otherwise(model);
    fake.failNext(529, 1000, "0.001");
    const down = await run(dir2);
    expect(down.code).toBe(1);
    const step = decideStep(down.stdout);
    expect(step.status).toBe("failed");
    expect(step.detail).toContain("pending (unavailable)");
    expect((await martRows(dir2)).every((x) => x.status === "pending" && x.label === null)).toBe(true);
    // cron hears of it: the failed step is an alert
    expect(slack.texts().some((t) => t.includes("decision churn failed"))).toBe(true);
    await slack.close();
    // back up: every row is sent exactly once, none twice
    fake.reset();
    fake.otherwise(model);
    expect((await run(dir2)).code).toBe(0);
    expect(fake.answered().map((q) => rowOf(q.body)).length).toBe(11);
    expect(new Set(fake.answered().map((q) => rowOf(q.body))).size).toBe(11);
  }, 120_000);

  test("refusals fail the row, invalid answers are asked once more, max_tokens gets more room; nothing is guessed", async () => {
    const dir = decisionProject({ "decisions/churn.yml": NO_ESCALATION });
    const seen = new Map<string, number>();
    fake.otherwise((body: any) => {
      const row = rowOf(body)!;
      const n = (seen.get(row) ?? 0) + 1;
      seen.set(row, n);
      if (row === "acc_02") return refusal();
      if (row === "acc_04" && n === 1)
        return {
          content: [
            { type: "tool_use", name: "record_decision", input: { label: "critical", confidence: 0.9, reason: "x" } },
          ],
        };
      if (row === "acc_05")
        return {
          content: [
            { type: "tool_use", name: "record_decision", input: { label: "medium", confidence: 7, reason: "" } },
          ],
        };
      if (row === "acc_07" && n === 1) return cutOff("record_decision", { label: "low" });
      return model(body);
    });
    const r = await run(dir);
    expect(r.code).toBe(0);
    const by = Object.fromEntries((await martRows(dir)).map((x) => [x.account_id, x]));
    expect(by.acc_02).toMatchObject({ status: "failed", label: null, note: "the model refused to decide this row" });
    expect(by.acc_04).toMatchObject({ status: "queued", label: "medium" });
    expect(by.acc_05.status).toBe("failed");
    expect(by.acc_05.note).toContain("asked twice");
    expect(by.acc_07).toMatchObject({ status: "decided", label: "low" });
    // the re-ask carries the invalid answer back as an error tool_result
    const reask = fake.answered().find((q) => rowOf(q.body) === "acc_04" && q.body.messages.length === 3)!;
    const result = reask.body.messages[2].content[0];
    expect(result).toMatchObject({ type: "tool_result", is_error: true });
    expect(result.content).toContain("invalid answer");
    const more = fake
      .answered()
      .filter((q) => rowOf(q.body) === "acc_07")
      .map((q) => q.body.max_tokens);
    expect(more).toEqual([400, 800]);
    expect(by.acc_05.input_tokens).toBe(2 * 1200);
    // a refusal and a twice-invalid answer are final for this context: not sent (nor billed) again
    fake.reset();
    fake.otherwise(model);
    expect((await run(dir)).code).toBe(0);
    expect(fake.requests.length).toBe(0);
  }, 120_000);

  test("the budget stops before a call could pass it; the next run sends only what is left", async () => {
    const dir = decisionProject({
      "decisions/churn.yml": NO_ESCALATION.replace("budget: { usd: 1, rows: 100 }", "budget: { usd: 1, rows: 4 }"),
    });
    const first = await run(dir);
    expect(first.code).toBe(0);
    expect(decideStep(first.stdout).detail).toContain("4 decided, 0 unchanged, 7 pending (budget rows)");
    const firstRows = fake.answered().map((q) => rowOf(q.body));
    expect(firstRows.length).toBe(4);
    fake.reset();
    fake.otherwise(model);
    // dollars: a haiku call is priced at its worst case (~$0.008: a re-ask, twice the output room) before it is
    // made, and costs $0.001: $0.011 lets a few through, and never one that could pass it
    writeFileSync(
      join(dir, "decisions/churn.yml"),
      NO_ESCALATION.replace("budget: { usd: 1, rows: 100 }", "budget: { usd: 0.011, rows: 100 }"),
    );
    const second = await run(dir);
    const step = decideStep(second.stdout);
    const secondRows = fake.answered().map((q) => rowOf(q.body));
    expect(secondRows.some((k) => firstRows.includes(k))).toBe(false);
    expect(secondRows.length).toBeGreaterThan(0);
    expect(secondRows.length).toBeLessThan(7);
    expect(step.cost_usd).toBeLessThanOrEqual(0.011);
    expect(step.detail).toContain("pending (budget usd)");
    fake.reset();
    fake.otherwise(model);
    writeFileSync(join(dir, "decisions/churn.yml"), NO_ESCALATION);
    expect((await run(dir)).code).toBe(0);
    const thirdRows = fake.answered().map((q) => rowOf(q.body));
    expect([...firstRows, ...secondRows, ...thirdRows].sort()).toEqual(ACTIVE);
  }, 120_000);

  test("a run killed mid-batch keeps what it paid for: the next run sends only the rows it had not recorded", async () => {
    const dir = decisionProject({ "decisions/churn.yml": NO_ESCALATION });
    fake.fault(...Array.from({ length: 40 }, () => ({ kind: "slow" as const, ms: 300 })));
    const p = spawnDp(["run", "-C", dir], { env: env() });
    while (fake.answered().length < 5) await Bun.sleep(20);
    p.kill("SIGTERM");
    expect(await p.exited).toBe(143);
    const recorded = (await snapshotRows(dir, "SELECT row_key FROM _dp.decisions")).map((r) => String(r.row_key));
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThan(11);
    fake.reset();
    fake.otherwise(model);
    expect((await run(dir)).code).toBe(0);
    const resent = fake.answered().map((q) => rowOf(q.body)!);
    expect(resent.filter((k) => recorded.includes(k))).toEqual([]);
    expect([...recorded, ...resent].sort()).toEqual(ACTIVE);
  }, 120_000);

  test("swap the provider, nothing else changes: the same project decided offline and by Claude gives the same mart", async () => {
    const offline = decisionProject();
    const claude = decisionProject();
    const a = await runDp(["run", "-C", offline, "--json"], { env: { ANTHROPIC_API_KEY: undefined } });
    const b = await run(claude);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const steps = (s: string) => JSON.parse(s).steps.map((x: any) => `${x.step}:${x.status}`);
    expect(steps(a.stdout)).toEqual(steps(b.stdout));
    const shape = (dir: string) =>
      snapshotRows(
        dir,
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'churn' ORDER BY ordinal_position",
      );
    expect(await shape(offline)).toEqual(await shape(claude));
    const pick = (rows: Record<string, any>[]) => rows.map((x) => [x.account_id, x.label, x.status, x.authority]);
    const ra = await martRows(offline);
    const rb = await martRows(claude);
    // the fake model weighs the signals as the rules do, so the labels agree; who decided differs
    expect(pick(rb)).toEqual(pick(ra));
    expect(new Set(ra.map((x) => x.provider))).toEqual(new Set(["offline"]));
    expect(new Set(rb.map((x) => x.provider))).toEqual(new Set(["anthropic"]));
    for (const f of ["models/marts/account_signals.sql", "decisions/churn.yml", "project.yaml"])
      expect(readFileSync(join(claude, f), "utf8")).toBe(readFileSync(join(offline, f), "utf8"));
  }, 120_000);
});
