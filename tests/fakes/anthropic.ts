import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { invalidRequest, signThinking, thinkingEnabled } from "./anthropic-rules.ts";
import { type SseEvent, sseEvents, sseText } from "./anthropic-sse.ts";

export type FakeBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id?: string; name: string; input: Record<string, unknown> }
  /** signed by the fake; the API rejects it sent back altered or unsigned */
  | { type: "thinking"; thinking: string }
  | { type: "redacted_thinking"; data: string };

export interface FakeTurn {
  content: FakeBlock[];
  stop_reason?: string;
  /** e.g. for a refusal: { type: "refusal", category, explanation } */
  stop_details?: Record<string, unknown>;
  usage?: { input_tokens: number; output_tokens: number };
}

/** A scripted turn, or a function of the request body (to answer from the tool results it carries). */
export type Scripted = FakeTurn | ((body: any) => FakeTurn);

export interface RecordedRequest {
  at: number;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: any;
  /** 0 when the connection was reset or cut */
  status: number;
}

/** What the API can do instead of (or while) answering. */
export type AnthropicFault =
  | { kind: "status"; status: 429 | 500 | 529 | 503; retryAfter?: string }
  /** the connection is reset before any response */
  | { kind: "reset" }
  /** the answer waits this long before its headers */
  | { kind: "slow"; ms: number }
  /** a streamed answer breaks off after its first content block: an `error` event, or the socket closes */
  | { kind: "stream_error"; type: "overloaded_error" | "api_error" }
  | { kind: "stream_cut" };

const DEFAULT_USAGE = { input_tokens: 1200, output_tokens: 80 };
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
  503: "api_error",
  529: "overloaded_error",
};

/**
 * Anthropic's Messages API on loopback, after its published reference: POST /v1/messages needs an
 * API key and `anthropic-version`; a request that breaks the API's rules gets its 400; the reply
 * is the next scripted turn as a message (JSON) or, when the request says `"stream": true` (or
 * `replyWith("sse")`), as server-sent events. Content blocks: text, tool_use, thinking (signed) and
 * redacted_thinking, which the API only returns with thinking enabled; `tool_choice: none` returns
 * no tool_use. A text longer than max_tokens allows (~4 characters a token) is cut, with
 * stop_reason max_tokens. Faults: 429/500/503/529 with retry-after, connection resets, slow
 * replies, streams that break with an error event or a closed socket. Records every request.
 */
export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  private queue: Scripted[] = [];
  private faults: AnthropicFault[] = [];
  private ids = 0;
  private fallback: Scripted | undefined;
  private replyAs: "asked" | "sse" | "json" = "asked";

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeAnthropic> {
    let fake!: FakeAnthropic;
    const server = createServer((req, res) => void fake.handle(req, res));
    fake = new FakeAnthropic(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(...turns: Scripted[]): this {
    this.queue.push(...turns);
    return this;
  }

  /** answer this when the queue is empty (default: a 500 saying the script ran out) */
  otherwise(turn: Scripted | undefined): this {
    this.fallback = turn;
    return this;
  }

  failNext(status: 429 | 500 | 503 | 529, times = 1, retryAfter?: string): this {
    for (let i = 0; i < times; i++) this.faults.push({ kind: "status", status, retryAfter });
    return this;
  }

  /** the next requests meet this instead of a plain answer (one fault per request, in order) */
  fault(...faults: AnthropicFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  /** answer as the request asked (default), or always with server-sent events, or always with one JSON message (as some proxies do) */
  replyWith(kind: "asked" | "sse" | "json"): this {
    this.replyAs = kind;
    return this;
  }

  /** requests that got a 200 */
  answered(): RecordedRequest[] {
    return this.requests.filter((r) => r.status === 200);
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.faults = [];
    this.fallback = undefined;
    this.replyAs = "asked";
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: any = null;
    try {
      body = JSON.parse(raw);
    } catch {
      body = null;
    }
    const rec: RecordedRequest = { at: Date.now(), path: req.url ?? "", headers: req.headers, raw, body, status: 0 };
    this.requests.push(rec);
    const requestId = `req_${this.requests.length}`;
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => {
      rec.status = status;
      res.writeHead(status, { "content-type": "application/json", "request-id": requestId, ...headers });
      res.end(
        JSON.stringify({
          type: "error",
          error: { type: ERROR_TYPES[status] ?? "api_error", message },
          request_id: requestId,
        }),
      );
    };
    if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) return fail(404, "not found");
    if (!req.headers["x-api-key"] && !req.headers.authorization) return fail(401, "x-api-key header is required");
    if (!req.headers["anthropic-version"]) return fail(400, "anthropic-version: header is required");
    let fault = this.faults.shift();
    if (fault?.kind === "reset") return void req.socket.destroy();
    if (fault?.kind === "status")
      return fail(
        fault.status,
        fault.status === 529
          ? "Overloaded"
          : fault.status === 429
            ? "Number of requests exceeds the rate limit"
            : "Internal server error",
        fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {},
      );
    if (fault?.kind === "slow") {
      const { ms } = fault;
      await new Promise((r) => setTimeout(r, ms));
      if (res.destroyed || req.socket.destroyed) return;
      fault = undefined;
    }
    const invalid = invalidRequest(body);
    if (invalid) return fail(400, invalid);
    const next = this.queue.shift() ?? this.fallback;
    if (!next) return fail(500, "fake: the script ran out of turns", { "x-should-retry": "false" });
    const message = this.message(typeof next === "function" ? next(body) : next, body);
    // a forced tool_choice is always answered through that tool, unless refused or cut off: a script that
    // does otherwise describes an API that does not exist
    const forced = forcedTool(body);
    const answered = (message.content as { type: string; name?: string }[]).some(
      (b) => b.type === "tool_use" && b.name === forced,
    );
    if (forced && !answered && message.stop_reason !== "refusal" && message.stop_reason !== "max_tokens")
      return fail(500, `fake: the script answered tool_choice ${forced} without it`, { "x-should-retry": "false" });
    rec.status = 200;
    if (this.replyAs === "sse" || (this.replyAs === "asked" && body.stream === true))
      return this.stream(res, requestId, sseEvents(message), fault);
    res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
    res.end(JSON.stringify(message));
  }

  /** The scripted turn as the API would return it for this request. */
  private message(turn: FakeTurn, body: any): Record<string, unknown> {
    let content: Record<string, unknown>[] = turn.content.map((b) => {
      if (b.type === "tool_use") return { ...b, id: b.id ?? `toolu_${++this.ids}` };
      if (b.type === "thinking") return { ...b, signature: signThinking(b.thinking) };
      return { ...b };
    });
    if (!thinkingEnabled(body))
      content = content.filter((b) => b.type !== "thinking" && b.type !== "redacted_thinking");
    if (body.tool_choice?.type === "none") content = content.filter((b) => b.type !== "tool_use");
    let stop = turn.stop_reason ?? (content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
    const room = body.max_tokens * 4;
    const text = content.filter((b) => b.type === "text");
    if (text.reduce((n, b) => n + String(b.text).length, 0) > room) {
      let left = room;
      content = content
        .filter((b) => b.type !== "tool_use")
        .map((b) => {
          if (b.type !== "text") return b;
          const cut = String(b.text).slice(0, Math.max(0, left));
          left -= cut.length;
          return { ...b, text: cut };
        })
        .filter((b) => b.type !== "text" || b.text !== "");
      stop = "max_tokens";
    }
    return {
      id: `msg_${this.requests.length}`,
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason: stop,
      stop_sequence: null,
      ...(turn.stop_details ? { stop_details: turn.stop_details } : {}),
      usage: turn.usage ?? DEFAULT_USAGE,
    };
  }

  private stream(res: ServerResponse, requestId: string, events: SseEvent[], fault?: AnthropicFault): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": requestId });
    const breakAt = events.findIndex((e) => e.event === "content_block_stop") + 1;
    for (const [i, e] of events.entries()) {
      if (i === breakAt && fault?.kind === "stream_error") {
        res.end(
          sseText({
            event: "error",
            data: {
              type: "error",
              error: {
                type: fault.type,
                message: fault.type === "overloaded_error" ? "Overloaded" : "Internal server error",
              },
            },
          }),
        );
        return;
      }
      if (i === breakAt && fault?.kind === "stream_cut") return void res.socket?.destroy();
      res.write(sseText(e));
    }
    res.end();
  }
}

export function toolUse(name: string, input: Record<string, unknown> = {}, id?: string): FakeTurn {
  return { content: [{ type: "tool_use", name, input, ...(id ? { id } : {}) }] };
}

export function text(t: string, usage?: FakeTurn["usage"]): FakeTurn {
  return { content: [{ type: "text", text: t }], ...(usage ? { usage } : {}) };
}

/** The tool_result blocks of the last user message of a request body. */
export function toolResults(body: any): { tool_use_id: string; content: string; is_error?: boolean }[] {
  const last = body?.messages?.at(-1);
  return Array.isArray(last?.content) ? last.content.filter((b: any) => b.type === "tool_result") : [];
}

/** The tool a request forces with tool_choice {type: "tool", name}, if any. */
export function forcedTool(body: any): string | undefined {
  return body?.tool_choice?.type === "tool" ? body.tool_choice.name : undefined;
}

/** A refusal: Claude's safety classifiers stopped the answer (stop_reason "refusal"), no tool_use. */
export function refusal(usage: FakeTurn["usage"] = { input_tokens: 900, output_tokens: 5 }): FakeTurn {
  return {
    content: [],
    stop_reason: "refusal",
    stop_details: { type: "refusal", category: "cyber", explanation: "The request was declined." },
    usage,
  };
}

/** An answer cut off at max_tokens in the middle of a tool call: the input is incomplete. */
export function cutOff(name: string, partialInput: Record<string, unknown>): FakeTurn {
  return {
    content: [{ type: "tool_use", name, input: partialInput }],
    stop_reason: "max_tokens",
    usage: { input_tokens: 900, output_tokens: 400 },
  };
}

/** The text of the first user message (a decision request carries the row's context there). */
export function userText(body: any): string {
  const first = body?.messages?.[0]?.content;
  if (typeof first === "string") return first;
  return Array.isArray(first)
    ? first
        .filter((b: any) => b.type === "text")
        .map((b: any) => b.text)
        .join("\n")
    : "";
}
