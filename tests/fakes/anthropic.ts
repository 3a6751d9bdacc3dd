import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id?: string; name: string; input: Record<string, unknown> };

export interface FakeTurn {
  content: FakeBlock[];
  stop_reason?: string;
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
  status: number;
}

const DEFAULT_USAGE = { input_tokens: 1200, output_tokens: 80 };

/**
 * The Anthropic Messages API, non-streaming: POST /v1/messages answers the next scripted turn.
 * Records every request (raw body included, to search for canaries) and can answer 429 with
 * retry-after or 529 overloaded for the next N requests.
 */
export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  private queue: Scripted[] = [];
  private faults: { status: 429 | 500 | 529; retryAfter?: string }[] = [];
  private ids = 0;
  private fallback: Scripted | undefined;

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

  failNext(status: 429 | 500 | 529, times = 1, retryAfter?: string): this {
    for (let i = 0; i < times; i++) this.faults.push({ status, retryAfter });
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
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      res.writeHead(status, {
        "content-type": "application/json",
        "request-id": `req_${this.requests.length}`,
        ...headers,
      });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== "POST" || !req.url?.startsWith("/v1/messages"))
      return send(404, { type: "error", error: { type: "not_found_error", message: "not found" } });
    if (!req.headers["x-api-key"] && !req.headers.authorization)
      return send(401, {
        type: "error",
        error: { type: "authentication_error", message: "an x-api-key or authorization header is required" },
      });
    const fault = this.faults.shift();
    if (fault) {
      const type = fault.status === 429 ? "rate_limit_error" : fault.status === 529 ? "overloaded_error" : "api_error";
      return send(
        fault.status,
        { type: "error", error: { type, message: type } },
        fault.retryAfter ? { "retry-after": fault.retryAfter } : {},
      );
    }
    const next = this.queue.shift() ?? this.fallback;
    if (!next)
      return send(
        500,
        { type: "error", error: { type: "api_error", message: "fake: the script ran out of turns" } },
        { "x-should-retry": "false" },
      );
    const turn = typeof next === "function" ? next(body) : next;
    const content = turn.content.map((b) => (b.type === "tool_use" ? { ...b, id: b.id ?? `toolu_${++this.ids}` } : b));
    send(200, {
      id: `msg_${this.requests.length}`,
      type: "message",
      role: "assistant",
      model: body?.model ?? "unknown",
      content,
      stop_reason: turn.stop_reason ?? (content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
      stop_sequence: null,
      usage: turn.usage ?? DEFAULT_USAGE,
    });
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
