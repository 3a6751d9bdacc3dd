import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeAnthropic, text, toolResults, toolUse } from "../../fakes/anthropic.ts";
import { createFixture, FIXTURE_NOW, type Fixture } from "../fixture.ts";
import { runDp } from "../../helpers.ts";

let fx: Fixture;
let fake: FakeAnthropic;

beforeAll(async () => {
  fx = await createFixture();
  fake = await FakeAnthropic.start();
});
afterAll(async () => {
  await fake.close();
  fx.cleanup();
});

async function repl(stdin: string, env: Record<string, string>) {
  return runDp(["ask", "-C", fx.dir], { env: { DP_NOW: FIXTURE_NOW, ...env }, stdin });
}

const SESSION = [
  "/metrics",
  "/tables",
  "churn last month?",
  "and the month before?",
  "/cost",
  "/exit",
  "never read",
].join("\n");

describe("dp ask REPL on piped stdin", () => {
  test("offline: /metrics, /tables, a question, a follow-up on the month before, /cost, /exit", async () => {
    const r = await repl(SESSION, { ANTHROPIC_API_KEY: "" });
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain("offline planner");
    expect(out).toMatch(/ {2}churn_rate +share of customers active/);
    expect(out).toContain("marts.mrr_monthly");
    expect(out).toMatch(/Customer churn in October 2026 was \d+\.\d%/);
    expect(out).toMatch(/Customer churn in September 2026 was \d+\.\d%/);
    expect(out).toMatch(/churn_rate, last 8 months \(Feb 2026 – Sep 2026\)/);
    expect(out).toContain("this session: $0.0000 over 2 questions");
    expect(out).not.toContain("never read");
    expect(r.stderr).not.toContain("⠋");
  });

  test("LLM: the follow-up carries the conversation; /cost adds up the session", async () => {
    const answer = (body: any) => {
      const d = JSON.parse(toolResults(body)[0]!.content).data;
      return text(`Customer churn in ${d.period.label} was ${(d.rows[0].value * 100).toFixed(1)}%.`);
    };
    fake.script(
      toolUse("query_metric", { metric: "churn_rate", period: "last_month" }),
      answer,
      toolUse("query_metric", { metric: "churn_rate", period: "2026-09" }),
      answer,
    );
    const r = await repl(SESSION, { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("claude-haiku-4-5 through typed tools");
    expect(r.stdout).toMatch(/Customer churn in October 2026 was \d+\.\d%\./);
    expect(r.stdout).toMatch(/Customer churn in September 2026 was \d+\.\d%\./);
    const bodies = fake.answered().map((q) => q.body);
    expect(bodies).toHaveLength(4);
    const followUp = bodies[2].messages;
    expect(followUp[0]).toEqual({ role: "user", content: "churn last month?" });
    expect(followUp.at(-1)).toEqual({ role: "user", content: "and the month before?" });
    expect(followUp).toHaveLength(5);
    expect(r.stdout).toMatch(/this session: \$0\.0064 over 2 questions · today: \$0\.0064 of \$2\.00/);
  });
});
