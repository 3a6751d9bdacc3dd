import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { readAudit } from "../../../tools/ask/question-audit.ts";
import { createToolContext } from "../../../tools/context.ts";
import { callTool } from "../../../tools/toolbox/index.ts";
import { FakeAnthropic, text, toolResults, toolUse } from "../../fakes/anthropic.ts";
import { runDp } from "../../helpers.ts";
import { createFixture, FIXTURE_NOW, type Fixture } from "../fixture.ts";

/**
 * The Claude path through the real binary (`dp ask --json`, ANTHROPIC_BASE_URL at the fake): each
 * way the Messages API can answer, and what dp makes of it.
 */
let fx: Fixture;
let fake: FakeAnthropic;
let baseYaml: string;
/** a currency metric and a percent metric of the fixture, read from its catalog */
let money: string;
let ratio: string;

beforeAll(async () => {
  fx = await createFixture();
  fake = await FakeAnthropic.start();
  baseYaml = readFileSync(join(fx.dir, "project.yaml"), "utf8");
  const ctx = createToolContext(fx.project);
  money = ctx.catalog.metrics.find((m) => m.format === "currency" && m.time_rollup === "last")!.name;
  ratio = ctx.catalog.metrics.find((m) => m.format === "percent")!.name;
  ctx.close();
});
afterAll(async () => {
  await fake.close();
  fx.cleanup();
});
beforeEach(() => {
  fake.reset();
  ai({});
});

/** project.yaml's ai: block for the next asks */
function ai(keys: Record<string, unknown>): void {
  const extra = Object.entries({ daily_budget_usd: 100, ...keys })
    .map(([k, v]) => `, ${k}: ${JSON.stringify(v)}`)
    .join("");
  writeFileSync(
    join(fx.dir, "project.yaml"),
    baseYaml.replace("ai: { quality_gate: warn }", `ai: { quality_gate: warn${extra} }`),
  );
}

async function ask(question: string, env: Record<string, string> = {}) {
  const t0 = performance.now();
  const r = await runDp(["ask", question, "--json", "-C", fx.dir], {
    env: { DP_NOW: FIXTURE_NOW, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake.url, ...env },
    timeoutMs: 60_000,
  });
  const ms = performance.now() - t0;
  const json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
  const audit = readAudit(loadProject(fx.dir))
    .filter((a) => a.action === "ask" && a.question === question)
    .at(-1) as any;
  return { code: r.code, json, audit, ms, stderr: r.stderr };
}

/** the value a tool returned, as the model would read it from the tool_result */
const firstValue = (body: any, i = 0) => JSON.parse(toolResults(body)[i]!.content).data.rows[0].value as number;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const usd = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;
const assistantTurn = (body: any, i: number) => body.messages[i].content as any[];

describe("turn shapes", () => {
  test("parallel tool calls: both run, both results go back in one user turn, ids matched", async () => {
    fake.script(
      {
        content: [
          { type: "tool_use", id: "toolu_a", name: "query_metric", input: { metric: money, period: "last_month" } },
          { type: "tool_use", id: "toolu_b", name: "query_metric", input: { metric: ratio, period: "last_month" } },
        ],
      },
      (body) =>
        text(`In October 2026, ${money} was ${usd(firstValue(body, 0))} and ${ratio} was ${pct(firstValue(body, 1))}.`),
    );
    const r = await ask("mrr and churn last month?");
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("answered");
    expect(r.json.warnings).toEqual([]);
    const results = toolResults(fake.answered()[1]!.body);
    expect(results.map((b) => b.tool_use_id)).toEqual(["toolu_a", "toolu_b"]);
    expect(results.every((b) => !b.is_error)).toBe(true);
    expect(r.audit.tool_calls.map((c: any) => c.input.metric)).toEqual([money, ratio]);
    expect(r.audit.stop_reasons).toEqual(["tool_use", "end_turn"]);
    expect(fake.answered()[0]!.body.stream).toBe(true);
  });

  test("text + tool_use in one turn: the text stays in the history sent back, the answer is the final turn's", async () => {
    fake.script(
      {
        content: [
          { type: "text", text: "Let me look that up." },
          { type: "tool_use", name: "query_metric", input: { metric: ratio, period: "last_month" } },
        ],
      },
      (body) => text(`Churn in October 2026 was ${pct(firstValue(body))}.`),
    );
    const r = await ask("churn last month, text first?");
    expect(r.json.status).toBe("answered");
    expect(r.json.answer.split("\n")[0]).toMatch(/^Churn in October 2026 was \d+\.\d%\.$/);
    expect(assistantTurn(fake.answered()[1]!.body, 1).map((b) => b.type)).toEqual(["text", "tool_use"]);
  });

  test("empty and whitespace text blocks are never sent back (the API answers 400 to them)", async () => {
    fake.script(
      {
        content: [
          { type: "text", text: "" },
          { type: "tool_use", name: "query_metric", input: { metric: ratio, period: "last_month" } },
          { type: "text", text: "\n\n" },
        ],
      },
      (body) => text(`Churn in October 2026 was ${pct(firstValue(body))}.`),
    );
    const r = await ask("churn last month, empty text?");
    expect(r.code).toBe(0);
    expect(fake.requests.map((q) => q.status)).toEqual([200, 200]);
    expect(assistantTurn(fake.answered()[1]!.body, 1).map((b) => b.type)).toEqual(["tool_use"]);
  });

  test("thinking on: thinking and redacted_thinking blocks go back first in their turn, unchanged (else the API answers 400)", async () => {
    ai({ thinking_budget_tokens: 1024 });
    fake.script(
      {
        content: [
          { type: "thinking", thinking: "Churn is a ratio metric; query it for last month." },
          { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP" },
          { type: "tool_use", name: "query_metric", input: { metric: ratio, period: "last_month" } },
        ],
      },
      (body) => ({
        content: [
          { type: "thinking", thinking: "The tool returned the value; state it." },
          { type: "text", text: `Churn in October 2026 was ${pct(firstValue(body))}.` },
        ],
      }),
    );
    const r = await ask("churn last month, thinking?");
    expect(r.code).toBe(0);
    expect(r.json.answer).toMatch(/^Churn in October 2026 was \d+\.\d%\.$/m);
    expect(fake.requests.map((q) => q.status)).toEqual([200, 200]);
    const [first, second] = fake.answered().map((q) => q.body);
    expect(first.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(first.max_tokens).toBeGreaterThan(1024);
    expect(assistantTurn(second, 1).map((b) => b.type)).toEqual(["thinking", "redacted_thinking", "tool_use"]);
    expect(assistantTurn(second, 1)[0].signature).toBeTruthy();
  });

  test("invalid tool arguments: the model gets the error and the fix, corrects itself, and the audit shows both calls", async () => {
    fake.script(
      toolUse("query_metric", { metric: money, period: "last_month", sql: "select 1" }),
      (body) => {
        const [res] = toolResults(body);
        expect(res!.is_error).toBe(true);
        expect(res!.content).toContain("bad input for query_metric");
        return toolUse("query_metric", { metric: `${money}x`, period: "last_month" });
      },
      (body) => {
        expect(toolResults(body)[0]!.content).toContain("use one of");
        return toolUse("query_metric", { metric: money, period: "last_month" });
      },
      (body) => text(`${money} in October 2026 was ${usd(firstValue(body))}.`),
    );
    const r = await ask("mrr last month, bad args?");
    expect(r.json.status).toBe("answered");
    expect(r.audit.tool_calls.map((c: any) => c.status)).toEqual(["error", "error", "ok"]);
  });

  test("a made-up number (one found only in a date or a row count of the result) is marked [unverified]", async () => {
    fake.script(toolUse("query_metric", { metric: ratio, period: "last_month" }), (body) => {
      const rows = JSON.parse(toolResults(body)[0]!.content).data.rows[0].rows as number;
      return text(`Churn in October 2026 was ${pct(firstValue(body))}: 21 customers churned out of ${rows} rows.`);
    });
    const r = await ask("churn last month, invented count?");
    expect(r.json.status).toBe("answered");
    expect(r.json.answer).toContain("21 [unverified] customers churned");
    expect(r.json.answer.split("\n")[0]).toStartWith("⚠ 1 number in this answer (21)");
    expect(r.audit.number_mismatches).toEqual(["21"]);
  });
});

describe("stop reasons", () => {
  test("max_tokens: the reply is continued once and joined; the audit records both turns", async () => {
    fake.script({ content: [{ type: "text", text: "Here is what I can say " }], stop_reason: "max_tokens" }, (body) => {
      const last = body.messages.at(-1);
      expect(last.role).toBe("user");
      expect(last.content).toContain("cut off at the output limit");
      expect(body.messages.at(-2).content).toEqual([{ type: "text", text: "Here is what I can say" }]);
      return text("without any number: the metrics are listed in the catalog.");
    });
    const r = await ask("what can you say, long?");
    expect(r.code).toBe(0);
    expect(r.json.answer.split("\n")[0]).toBe(
      "Here is what I can say without any number: the metrics are listed in the catalog.",
    );
    expect(r.audit.stop_reasons).toEqual(["max_tokens", "end_turn"]);
    expect(fake.answered()[1]!.body.max_tokens).toBeGreaterThan(fake.answered()[0]!.body.max_tokens);
  });

  test("max_tokens twice: not printed as a normal answer — failed (exit 1), truncated, said so", async () => {
    fake.otherwise({ content: [{ type: "text", text: "The answer goes on and on" }], stop_reason: "max_tokens" });
    const r = await ask("an endless answer?");
    expect(r.code).toBe(1);
    expect(r.json.status).toBe("failed");
    expect(r.json.truncated).toBe(true);
    expect(r.json.stop_reason).toBe("max_tokens");
    expect(r.json.answer).toStartWith("⚠ The model's answer was cut off at its output limit and is incomplete:");
    expect(r.audit.stop).toBe("max_tokens");
  });

  test("a tool call cut by max_tokens is neither run nor sent back", async () => {
    fake.script(
      {
        content: [
          { type: "text", text: "I will query it" },
          { type: "tool_use", name: "query_metric", input: { metric: ratio } },
        ],
        stop_reason: "max_tokens",
      },
      text("I could not finish the query."),
    );
    const r = await ask("cut tool call?");
    expect(r.json.status).toBe("answered");
    expect(r.audit.tool_calls).toEqual([]);
    expect(fake.requests.map((q) => q.status)).toEqual([200, 200]);
    expect(assistantTurn(fake.answered()[1]!.body, 1).map((b) => b.type)).toEqual(["text"]);
  });

  test("refusal: refused (exit 0), the partial text is not shown, recorded in the audit", async () => {
    fake.script({
      content: [{ type: "text", text: "Sure, the customers' home addresses are" }],
      stop_reason: "refusal",
      stop_details: { type: "refusal", category: null, explanation: null },
    });
    const r = await ask("list every customer's home address");
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("refused");
    expect(r.json.stop_reason).toBe("refusal");
    expect(r.json.answer).toContain("The model declined to answer this question");
    expect(r.json.answer).not.toContain("home addresses are");
    expect(r.audit.stop).toBe("refusal");
    expect(r.audit.stop_reasons).toEqual(["refusal"]);
  });

  test("pause_turn: the paused turn is sent back as the last message and the model resumes it", async () => {
    fake.script({ content: [{ type: "text", text: "I checked the catalog" }], stop_reason: "pause_turn" }, (body) => {
      expect(body.messages.at(-1)).toEqual({
        role: "assistant",
        content: [{ type: "text", text: "I checked the catalog" }],
      });
      return text("and no metric tracks office plants.");
    });
    const r = await ask("how many office plants do we have?");
    expect(r.code).toBe(0);
    expect(r.json.answer.split("\n")[0]).toBe("I checked the catalog and no metric tracks office plants.");
    expect(r.audit.stop_reasons).toEqual(["pause_turn", "end_turn"]);
  });

  test("the tool budget: the model is told its budget, and when it is spent it is asked for a final answer without tools", async () => {
    ai({ max_tool_calls: 2 });
    fake.script(toolUse("list_metrics"), toolUse("describe_metric", { metric: ratio }), (body) => {
      expect(body.tool_choice).toEqual({ type: "none" });
      const note = body.messages.at(-1).content.at(-1);
      expect(note).toMatchObject({ type: "text" });
      expect(note.text).toContain("last of your 2 tool calls");
      return text(`${ratio} is defined in the catalog; I ran out of tool calls before querying it.`);
    });
    const r = await ask("explain churn and give its value");
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("answered");
    expect(fake.answered()[0]!.body.system).toContain("at most 2 tool calls");
    expect(fake.answered()).toHaveLength(3);
  });
});

describe("the API failing", () => {
  test("429 with retry-after, 529, 500 and a connection reset are retried; the audit counts every attempt", async () => {
    fake
      .failNext(429, 1, "0.2")
      .failNext(529, 1)
      .failNext(500, 1)
      .fault({ kind: "reset" })
      .script(text("No metric tracks that."));
    const r = await ask("retry everything?");
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("answered");
    expect(fake.requests.map((q) => q.status)).toEqual([429, 529, 500, 0, 200]);
    expect(r.audit.http_attempts).toBe(5);
  });

  test("a retry-after past dp's cap fails at once, saying so; the failed attempt is audited", async () => {
    fake.failNext(429, 1, "300");
    const r = await ask("rate limited for minutes?");
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.json.status).toBe("failed");
    expect(r.json.answer).toContain("answered 429 after 1 attempt (it asked to wait 300 s");
    expect(r.audit.http_attempts).toBe(1);
  });

  test("retries run out mid-question: the audit has the real attempts, tokens and cost of the turns that ran", async () => {
    // the first turn answers, then every attempt at the second is overloaded
    fake.script(() => (fake.failNext(529, 5), toolUse("list_metrics")));
    const r = await ask("overloaded on the second turn?");
    expect(r.code).toBe(1);
    expect(r.json.answer).toContain("answered 529 after 5 attempts");
    expect(r.audit.http_attempts).toBe(6);
    expect(r.audit.tokens).toEqual({ input: 1200, output: 80 });
    expect(r.audit.cost_usd).toBeGreaterThan(0);
    expect(r.audit.tool_calls).toHaveLength(1);
  });

  test("a slow API: the question's deadline (ai.deadline_seconds) ends it, with a clear failure", async () => {
    ai({ deadline_seconds: 1.5 });
    fake.fault({ kind: "slow", ms: 20_000 }).otherwise(text("too late"));
    const r = await ask("slow api?");
    expect(r.ms).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    expect(r.json.status).toBe("failed");
    expect(r.json.answer).toContain("deadline of 1.5 s (ai.deadline_seconds)");
    expect(r.audit.stop).toBe("deadline");
    expect(r.audit.http_attempts).toBeGreaterThanOrEqual(1);
  });

  test("a stream that breaks off (an overloaded_error event, a closed socket) is retried; a JSON reply to a stream request is read too", async () => {
    fake
      .fault({ kind: "stream_error", type: "overloaded_error" }, { kind: "stream_cut" })
      .script(
        toolUse("list_metrics"),
        toolUse("list_metrics"),
        toolUse("list_metrics"),
        text("The catalog lists the metrics."),
      );
    const r = await ask("stream breaks?");
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("answered");
    expect(r.audit.http_attempts).toBe(4);

    fake.reset();
    fake.replyWith("json").script(toolUse("list_metrics"), text("The catalog lists the metrics."));
    const j = await ask("json reply?");
    expect(j.json.status).toBe("answered");
    expect(fake.answered().every((q) => q.body.stream === true)).toBe(true);
  });
});

describe("wording", () => {
  test("a premise the data contradicts is said first", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    const cmp = await callTool(ctx, { name: "compare_periods", input: { metric: money, current: "last_month" } });
    ctx.close();
    const rose = (cmp.output.current as any).value > (cmp.output.previous as any).value;
    const q = `why did ${money} ${rose ? "drop" : "grow"} last month?`;
    fake.script(
      toolUse("compare_periods", { metric: money, current: "last_month" }),
      text(`${money} moved because of plan changes.`),
    );
    const r = await ask(q);
    expect(r.json.status).toBe("answered");
    expect(r.json.answer.split("\n")[0]).toStartWith(
      `⚠ The question assumes ${cmp.output.label} went ${rose ? "down" : "up"}, but it ${rose ? "rose" : "fell"}:`,
    );
  });

  test("a partial current month is said 'to date'; one ranked row is 'Top customer'", async () => {
    fake.script(toolUse("query_metric", { metric: money, period: "this_month" }), (body) =>
      text(`${money} in November 2026 is ${usd(firstValue(body))}.`),
    );
    const r = await ask("mrr this month?");
    expect(r.json.answer).toContain("(November 2026 is to date: through 2026-11-21, not a full period.)");

    fake.reset();
    fake.script(toolUse("query_metric", { metric: money, period: "this_month" }), (body) =>
      text(`${money} in November 2026 to date is ${usd(firstValue(body))}.`),
    );
    const said = await ask("mrr this month, said?");
    expect(said.json.answer).not.toContain("is to date: through");

    fake.reset();
    fake.script(
      toolUse("top_n", { mart: "customers", measure: "mrr", label: "customer_id", n: 1 }),
      text("The top customer is in the table below."),
    );
    const top = await ask("top customer by mrr");
    expect(top.json.answer).toContain("Top customer by mrr:");
    expect(top.json.answer).not.toContain("Top 1");
  });
});

describe("the premise check reads a series too", () => {
  test("the last two months of a query_metric series contradict 'why did it drop/grow'", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    const input = { metric: money, period: "last_3_months", grain: "month" };
    const series = await callTool(ctx, { name: "query_metric", input });
    ctx.close();
    const rows = (series.output.rows as { value: number; rows: number }[]).filter((r) => r.rows > 0);
    const rose = rows.at(-1)!.value > rows.at(-2)!.value;
    fake.script(toolUse("query_metric", input), text("It moved with the plan mix."));
    const r = await ask(`why did ${money} ${rose ? "fall" : "increase"} recently?`);
    expect(r.json.answer.split("\n")[0]).toContain(`but it ${rose ? "rose" : "fell"}:`);
  });
});
