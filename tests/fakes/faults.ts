import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a fake API can do wrong instead of answering. */
export type Fault =
  | { kind: "status"; status: number; retryAfter?: string; body?: unknown }
  | { kind: "reset" }
  | { kind: "truncate" }
  | { kind: "slow"; ms: number };

export interface FaultRule {
  fault: Fault;
  /** only requests whose path matches */
  path?: string | RegExp;
  /** let this many matching requests through first */
  after?: number;
  /** fire this many times (default 1) */
  times?: number;
  seen: number;
  fired: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** the fault served instead of an answer, if any */
  fault?: Fault["kind"];
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

export type FakeHandler = (req: RecordedRequest) => FakeResponse;

/**
 * A node:http server on 127.0.0.1:0 that records every request and can be told to
 * fail: status codes with Retry-After, resets mid-body, truncated JSON, slow answers.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private rules: FaultRule[] = [];
  /** delay every answer (pages slow enough to kill a pull mid-way) */
  delayMs = 0;
  url = "";
  private server: Server;

  constructor(private readonly handler: FakeHandler) {
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  static async start(handler: FakeHandler): Promise<FakeServer> {
    const fake = new FakeServer(handler);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  fail(fault: Fault, where: { path?: string | RegExp; after?: number; times?: number } = {}): this {
    this.rules.push({ fault, ...where, seen: 0, fired: 0 });
    return this;
  }

  clearFaults(): void {
    this.rules = [];
  }

  /** Requests that got a real answer (not a fault). */
  answered(path?: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => !r.fault && (path === undefined || matches(path, r.path)));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: raw ? safeJson(raw) : undefined,
    };
    this.requests.push(recorded);
    const fault = this.pickFault(recorded.path);
    if (fault) recorded.fault = fault.kind;
    if (this.delayMs) await Bun.sleep(this.delayMs);
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
      res.writeHead(fault.status, headers);
      res.end(JSON.stringify(fault.body ?? { error: { message: `fake ${fault.status}` } }));
      return;
    }
    if (fault?.kind === "slow") await Bun.sleep(fault.ms);
    let answer: FakeResponse;
    try {
      answer = this.handler(recorded);
    } catch (e) {
      answer = { status: 500, body: { error: { message: String(e) } } };
    }
    const text = JSON.stringify(answer.body);
    if (res.destroyed) return;
    res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
    if (fault?.kind === "reset") {
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    if (fault?.kind === "truncate") {
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    res.end(text);
  }

  private pickFault(path: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.path !== undefined && !matches(rule.path, path)) continue;
      rule.seen += 1;
      if (rule.seen <= (rule.after ?? 0)) continue;
      if (rule.fired >= (rule.times ?? 1)) continue;
      rule.fired += 1;
      return rule.fault;
    }
    return undefined;
  }
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === "string" ? path === pattern || path.startsWith(pattern) : pattern.test(path);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function bearer(req: RecordedRequest): string | undefined {
  const h = req.headers.authorization;
  const v = Array.isArray(h) ? h[0] : h;
  return v?.startsWith("Bearer ") ? v.slice(7) : undefined;
}
