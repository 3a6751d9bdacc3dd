import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { FakeStripe } from "../fakes/stripe.ts";
import { HttpProject, waitFor } from "./http-project.ts";

let fake: FakeStripe;
let project: HttpProject;

function source(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    connector: "stripe",
    ...extra,
    config: { api_key: "${STRIPE_API_KEY}", base_url: fake.url, streams: ["customers"], ...config },
  };
}

beforeEach(async () => {
  fake = await FakeStripe.start({ customers: 250 });
  process.env.STRIPE_API_KEY = fake.apiKey;
  project = new HttpProject("billing", source());
});

afterEach(async () => {
  await fake.close();
  project.remove();
});

const maxCreated = (resource = "customers") => Math.max(...fake.objects[resource]!.map((o) => o.created));
/** stream state with `updates: events` (the default); stripe-events.test.ts checks events_cursor itself */
const state = (cursor: number) => ({ cursor, events_cursor: expect.any(Number) });

describe("stripe", () => {
  test("pages with limit/starting_after to the end; every record lands once", async () => {
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(r.rows).toBe(250);
    expect(await project.lake("customers")).toMatchObject({ rows: 250, distinct: 250 });
    const reqs = fake.server.answered("/v1/customers");
    expect(reqs.length).toBe(3);
    expect(reqs.map((q) => q.query.get("limit"))).toEqual(["100", "100", "100"]);
    expect(reqs[0]!.query.has("starting_after")).toBe(false);
    expect(reqs[1]!.query.get("starting_after")).toBe("cus_00000151");
    expect(reqs[0]!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(reqs[0]!.query.has("created[gte]")).toBe(false);
    expect(project.stream("customers")?.state).toEqual(state(maxCreated()));
  });

  test("incremental: created[gte] = cursor - lookback; only new records and the lookback window are read", async () => {
    project.write(source({}, { lookback: "5m" }));
    await project.pull();
    const cursor = maxCreated();
    fake.add("customers", 7);
    const r = await project.pull();
    expect(r.status).toBe("ok");
    const second = fake.server.answered("/v1/customers").slice(3);
    expect(second.map((q) => q.query.get("created[gte]"))).toEqual([String(cursor - 300)]);
    // 7 new land; the 6 old ones created within 5 minutes of the cursor (60 s apart, inclusive) are read
    // again as the lake holds them
    expect(r.rows).toBe(7);
    expect(r.streams[0]!.unchanged).toBe(6);
    expect(await project.lake("customers")).toMatchObject({ rows: 257, distinct: 257 });
    expect(project.stream("customers")?.state).toEqual(state(maxCreated()));
  });

  test("subscriptions: status=all keeps canceled ones; expand[] is sent as data.x", async () => {
    fake.add("subscriptions", 30);
    project.write(source({ streams: ["subscriptions"], expand: { subscriptions: ["customer"] } }));
    const r = await project.pull();
    expect(r.rows).toBe(30);
    const req = fake.server.answered("/v1/subscriptions")[0]!;
    expect(req.query.get("status")).toBe("all");
    expect(req.query.getAll("expand[]")).toEqual(["data.customer"]);
    expect(await project.lake("subscriptions", "id", "count(*) FILTER (WHERE status = 'canceled')")).toMatchObject({
      distinct: 30,
      extra: 5,
    });
  });

  test("429 with Retry-After: 0 retries at once", async () => {
    fake.server.fail(
      { kind: "status", status: 429, retryAfter: "0", body: { error: { message: "Too many requests" } } },
      { after: 1, times: 2 },
    );
    const started = Date.now();
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("customers")).toMatchObject({ rows: 250, distinct: 250 });
    expect(fake.server.requests.filter((q) => q.fault).length).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("429 with Retry-After: 1 waits a second (within max_wait)", async () => {
    project.write(source({}, { retries: { max_attempts: 3, max_wait: "2s" } }));
    fake.server.fail({ kind: "status", status: 429, retryAfter: "1" }, { times: 1 });
    const started = Date.now();
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(r.rows).toBe(250);
  });

  test("500, 502, 503 then success", async () => {
    fake.server
      .fail({ kind: "status", status: 500 }, { after: 1 })
      .fail({ kind: "status", status: 502 }, { after: 1 })
      .fail({ kind: "status", status: 503 }, { after: 1 });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("customers")).toMatchObject({ rows: 250, distinct: 250 });
    expect(fake.server.requests.map((q) => q.fault ?? "ok")).toEqual(["ok", "status", "status", "status", "ok", "ok"]);
  });

  test("connection reset mid-page is retried", async () => {
    fake.server.fail({ kind: "reset" }, { after: 1 });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("customers")).toMatchObject({ rows: 250, distinct: 250 });
    expect(fake.server.requests.length).toBe(4);
  });

  test("truncated JSON body is retried", async () => {
    fake.server.fail({ kind: "truncate" }, { after: 2 });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("customers")).toMatchObject({ rows: 250, distinct: 250 });
    expect(fake.server.requests.length).toBe(4);
  });

  test("a slow response times out and is retried", async () => {
    project.write(source({ timeout_seconds: 0.2 }));
    fake.server.fail({ kind: "slow", ms: 1000 }, { after: 1 });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(r.rows).toBe(250);
    expect(fake.server.requests.length).toBe(4);
  });

  test("persistent 503 gives up after max_attempts with a transient error", async () => {
    fake.server.fail({ kind: "status", status: 503 }, { times: 100 });
    const r = await project.pull();
    expect(r.status).toBe("failed");
    expect(r.error?.code).toBe("SOURCE_TRANSIENT");
    expect(r.error?.transient).toBe(true);
    expect(r.error?.message).toContain("gave up after 4 attempts");
    expect(fake.server.requests.length).toBe(4);
  });

  test("401 fails at once, names STRIPE_API_KEY, never prints the key", async () => {
    process.env.STRIPE_API_KEY = "sk_test_revoked_0000000000";
    const r = await project.pull();
    expect(r.status).toBe("failed");
    expect(r.error?.code).toBe("SOURCE_AUTH");
    expect(r.error?.message).toContain("STRIPE_API_KEY");
    expect(r.error?.message).toContain("Invalid API Key");
    expect(JSON.stringify(r.error) + r.error?.format()).not.toContain("sk_test_revoked_0000000000");
    expect(fake.server.requests.length).toBe(1);
    expect(project.parquetFiles("customers")).toEqual([]);
  });

  test("unknown list endpoint is a 404 naming the URL and Stripe's message", async () => {
    project.write(source({ streams: ["nonsense"] }));
    const r = await project.pull();
    expect(r.error?.code).toBe("SOURCE_HTTP");
    expect(r.error?.message).toContain("/v1/nonsense");
    expect(r.error?.message).toContain("Unrecognized request URL");
    expect(fake.server.requests.length).toBe(1);
  });

  test("kill -9 mid-pull, then rerun: exact distinct count, cursor never ahead of durable data", async () => {
    fake.add("customers", 350);
    fake.server.delayMs = 120;
    const first = project.spawnPull(100);
    await waitFor("two durable files", () => project.parquetFiles("customers").length >= 2);
    first.kill(9);
    await first.exited;
    expect(project.parquetFiles("customers").length).toBeLessThan(6);
    expect(project.stream("customers")?.state?.cursor).toBeUndefined();
    fake.server.delayMs = 0;
    expect((await project.pull({ maxFileRecords: 100 })).status).toBe("ok");
    const afterRerun = await project.lake("customers");
    expect(afterRerun.distinct).toBe(600);
    expect(afterRerun.rows).toBeGreaterThan(600);
    expect(project.stream("customers")?.state).toEqual(state(maxCreated()));

    // an incremental pull killed mid-way leaves the old cursor
    const cursorBefore = maxCreated();
    fake.add("customers", 400);
    fake.server.delayMs = 120;
    const second = project.spawnPull(100);
    const filesBefore = project.parquetFiles("customers").length;
    await waitFor("a durable incremental file", () => project.parquetFiles("customers").length >= filesBefore + 2);
    second.kill(9);
    await second.exited;
    expect(project.stream("customers")?.state).toEqual(state(cursorBefore));
    fake.server.delayMs = 0;
    expect((await project.pull()).status).toBe("ok");
    expect((await project.lake("customers")).distinct).toBe(1000);
    expect(project.stream("customers")?.state).toEqual(state(maxCreated()));
  }, 20_000);
});
