import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { HttpClient, parseRetryAfter } from "../../connectors/http/client.ts";
import { parseLinkHeader } from "../../connectors/rest/paginators/link-header.ts";
import type { ReadContext } from "../../engine/ingest/connector.ts";
import { DpError } from "../../engine/errors.ts";
import { FakeServer } from "../fakes/faults.ts";

let server: FakeServer;
let logs: string[];
let progress: { pages?: number; records?: number; retries?: number }[];

function ctx(over: Partial<ReadContext> = {}): ReadContext {
  return {
    source: "api",
    stream: { name: "things", primaryKey: ["id"] },
    state: undefined,
    now: new Date(),
    fullRefresh: false,
    lookbackMs: 0,
    retry: { maxAttempts: 4, maxWaitMs: 50 },
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), debug: (m) => logs.push(m) },
    progress: (e) => progress.push(e),
    ...over,
  };
}

beforeEach(async () => {
  logs = [];
  progress = [];
  server = await FakeServer.start((req) => ({ body: { ok: true, path: req.path } }));
});

afterEach(() => server.close());

describe("parseRetryAfter", () => {
  test("delta-seconds, including 0", () => {
    expect(parseRetryAfter("0")).toBe(0);
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
  test("HTTP-date, in the future or already past", () => {
    const now = Date.parse("2026-11-21T06:00:00Z");
    expect(parseRetryAfter("Sat, 21 Nov 2026 06:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 05:59:00 GMT", now)).toBe(0);
  });
});

describe("parseLinkHeader", () => {
  test("GitHub style, several rels", () => {
    expect(parseLinkHeader('<https://x/y?page=2>; rel="next", <https://x/y?page=9>; rel="last"')).toEqual({
      next: "https://x/y?page=2",
      last: "https://x/y?page=9",
    });
    expect(parseLinkHeader(null)).toEqual({});
  });
});

describe("HttpClient", () => {
  test("joins base_url paths and repeats array params", async () => {
    const client = new HttpClient(ctx(), { label: "t", baseUrl: `${server.url}/v2/` });
    const res = await client.get<{ path: string }>("/things", { "expand[]": ["a", "b"], skip: undefined });
    expect(res.data.path).toBe("/v2/things");
    expect(server.requests[0]!.query.getAll("expand[]")).toEqual(["a", "b"]);
    expect(server.requests[0]!.query.has("skip")).toBe(false);
  });

  test("full-jitter backoff stays under max_wait; retries reach progress and the log", async () => {
    server.fail({ kind: "status", status: 503 }, { times: 3 });
    const client = new HttpClient(ctx(), { label: "t", baseUrl: server.url });
    const started = performance.now();
    await client.get("/x");
    expect(performance.now() - started).toBeLessThan(400);
    expect(client.retries).toBe(3);
    expect(progress.at(-1)?.retries).toBe(3);
    expect(logs.filter((l) => l.includes("retry")).length).toBe(3);
    client.page(10, "/x");
    expect(progress.at(-1)).toEqual({ pages: 1, records: 10, retries: 3 });
  });

  test("400 fails at once with SOURCE_HTTP and the API's message", async () => {
    server.fail({ kind: "status", status: 400, body: { message: "property 'foo' does not exist" } }, { times: 5 });
    const client = new HttpClient(ctx(), { label: "t", baseUrl: server.url });
    const err = (await client.get("/x").catch((e) => e)) as DpError;
    expect(err.code).toBe("SOURCE_HTTP");
    expect(err.transient).toBe(false);
    expect(err.message).toContain("property 'foo' does not exist");
    expect(server.requests.length).toBe(1);
  });

  test("secrets in query or headers never reach messages or logs", async () => {
    server.fail({ kind: "status", status: 500 }, { times: 10 });
    const client = new HttpClient(ctx({ retry: { maxAttempts: 2, maxWaitMs: 1 } }), {
      label: "t",
      baseUrl: server.url,
      query: { api_key: "inline-secret-value-42" },
      secrets: ["inline-secret-value-42"],
    });
    const err = (await client.get("/x").catch((e) => e)) as DpError;
    expect(err.transient).toBe(true);
    expect(err.message).toContain("gave up after 2 attempts");
    expect(err.message + logs.join("\n")).not.toContain("inline-secret-value-42");
    expect(server.requests[0]!.query.get("api_key")).toBe("inline-secret-value-42");
  });

  test("refuses to follow a next link to another origin with the credentials", async () => {
    const client = new HttpClient(ctx(), {
      label: "t",
      baseUrl: server.url,
      headers: { authorization: "Bearer t0k3n-xyz" },
    });
    const err = (await client.get("http://169.254.169.254/latest").catch((e) => e)) as DpError;
    expect(err.code).toBe("SOURCE_DATA");
    expect(server.requests.length).toBe(0);
  });

  test("rate_limit spreads requests (token bucket)", async () => {
    const client = new HttpClient(ctx({ rateLimit: 20 }), { label: "t", baseUrl: server.url });
    const started = performance.now();
    for (let i = 0; i < 30; i++) await client.get("/x");
    // 20 burst, then 10 more at 20/s
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  test("an aborted pull stops retrying", async () => {
    server.fail({ kind: "status", status: 503 }, { times: 10 });
    const abort = new AbortController();
    const client = new HttpClient(ctx({ signal: abort.signal, retry: { maxAttempts: 10, maxWaitMs: 200 } }), {
      label: "t",
      baseUrl: server.url,
    });
    setTimeout(() => abort.abort(new DpError("SOURCE_TRANSIENT", "interrupted")), 50);
    const started = performance.now();
    await client.get("/x").catch(() => undefined);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(server.requests.length).toBeLessThan(10);
  });
});
