import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { FakeAnthropic, type FakeTurn } from "./anthropic.ts";

/**
 * The fake against the vendor's own client: the SDK's stream accumulator must rebuild from the
 * fake's server-sent events exactly the message the fake answers as JSON, and the fake must refuse
 * what the API refuses, with the API's status and error type.
 */
let fake: FakeAnthropic;
let client: Anthropic;
const tools = [
  { name: "query_metric", description: "a metric", input_schema: { type: "object" as const, properties: {} } },
];

beforeAll(async () => {
  fake = await FakeAnthropic.start();
  client = new Anthropic({ apiKey: "test", baseURL: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const turn: FakeTurn = {
  content: [
    { type: "thinking", thinking: "The question is about churn; query_metric has it." },
    { type: "text", text: 'Let me look that up — one moment, with ünïcode and "quotes".' },
    {
      type: "tool_use",
      id: "toolu_1",
      name: "query_metric",
      input: { metric: "churn_rate", period: { start: "2026-10-01", end: "2026-10-31" } },
    },
  ],
  usage: { input_tokens: 321, output_tokens: 54 },
};
const request = {
  model: "claude-sonnet-4-6",
  max_tokens: 3000,
  thinking: { type: "enabled" as const, budget_tokens: 1024 },
  tools,
  messages: [{ role: "user" as const, content: "churn last month?" }],
};

describe("the fake Messages API", () => {
  test("a streamed reply, accumulated by the SDK, is the JSON reply: thinking (signed), text, tool_use with its input", async () => {
    fake.script(turn, turn);
    const json = await client.messages.create(request);
    const streamed = await client.messages.stream(request).finalMessage();
    // the SDK's accumulator adds helpers of its own (parsed_output, __json_buf); the message is the rest
    const plain = (m: object) =>
      JSON.parse(
        JSON.stringify(m, (k, v) =>
          ["id", "parsed_output", "__json_buf"].includes(k) && typeof v !== "object"
            ? undefined
            : k === "parsed_output"
              ? undefined
              : v,
        ),
      );
    expect(plain(streamed)).toEqual(plain(json));
    expect(json.stop_reason).toBe("tool_use");
    expect(json.content.map((c) => c.type)).toEqual(["thinking", "text", "tool_use"]);
    expect((json.content[0] as { signature: string }).signature.length).toBeGreaterThan(20);
    expect(json.usage).toMatchObject({ input_tokens: 321, output_tokens: 54 });
    const raw = fake.requests[1]!;
    expect(raw.body.stream).toBe(true);
  });

  test("thinking blocks come back only when thinking is on; tool_choice none returns no tool_use", async () => {
    fake.script(turn);
    const plain = await client.messages.create({ ...request, thinking: undefined, tool_choice: { type: "none" } });
    expect(plain.content.map((c) => c.type)).toEqual(["text"]);
    expect(plain.stop_reason).toBe("end_turn");
  });

  test("requests the API refuses: 400 invalid_request_error with the API's message", async () => {
    const assistant = { role: "assistant" as const, content: turn.content.slice(1) as any };
    const result = {
      role: "user" as const,
      content: [{ type: "tool_result" as const, tool_use_id: "toolu_1", content: "{}" }],
    };
    const cases: [any, RegExp][] = [
      [
        { ...request, messages: [{ role: "user", content: [{ type: "text", text: "" }] }] },
        /text content blocks must be non-empty/,
      ],
      [{ ...request, messages: [{ role: "user", content: [{ type: "text", text: " \n" }] }] }, /non-whitespace text/],
      [
        { ...request, messages: [request.messages[0], assistant, result] },
        /Expected `thinking` or `redacted_thinking`, but found `text`/,
      ],
      [
        { ...request, thinking: undefined, messages: [request.messages[0], assistant] },
        /`tool_use` ids were found without `tool_result`/,
      ],
      [
        { ...request, thinking: undefined, tools: undefined, messages: [request.messages[0], assistant, result] },
        /must define tools/,
      ],
      [{ ...request, max_tokens: 1000 }, /must be greater than `thinking.budget_tokens`/],
      [{ ...request, tool_choice: { type: "any" } }, /Thinking may not be enabled when `tool_choice` forces tool use/],
    ];
    for (const [body, message] of cases) {
      fake.script(turn);
      const err = await client.messages.create(body).catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect(err.error.error.type).toBe("invalid_request_error");
      expect(err.error.error.message).toMatch(message);
    }
    // an altered thinking block is refused too
    fake.script(turn);
    const first = await client.messages.create(request);
    const altered = first.content.map((b) =>
      b.type === "thinking" ? { ...b, thinking: `${b.thinking} (edited)` } : b,
    );
    const err = await client.messages
      .create({ ...request, messages: [request.messages[0]!, { role: "assistant", content: altered as any }, result] })
      .catch((e) => e);
    expect(err.error.error.message).toMatch(/Invalid `signature` in `thinking` block/);
  });

  test("429/529 carry their error types and retry-after; a text longer than max_tokens is cut with stop_reason max_tokens", async () => {
    fake.failNext(429, 1, "7").failNext(529, 1);
    const r429 = await client.messages.create({ ...request, thinking: undefined }).catch((e) => e);
    expect(r429.status).toBe(429);
    expect(r429.headers.get("retry-after")).toBe("7");
    expect(r429.error.error.type).toBe("rate_limit_error");
    const r529 = await client.messages.create({ ...request, thinking: undefined }).catch((e) => e);
    expect(r529.status).toBe(529);
    expect(r529.error.error.type).toBe("overloaded_error");
    fake.script({ content: [{ type: "text", text: "x".repeat(500) }] });
    const cut = await client.messages.create({ ...request, thinking: undefined, max_tokens: 50 });
    expect(cut.stop_reason).toBe("max_tokens");
    expect((cut.content[0] as { text: string }).text).toHaveLength(200);
  });
});
