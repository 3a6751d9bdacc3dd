import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { join } from "node:path";
import { StateStore } from "../../engine/ingest/cursor-state.ts";
import { stripeEventsFor } from "../../connectors/stripe/event-types.ts";
import { FakeStripe } from "../fakes/stripe.ts";
import { HttpProject, waitFor } from "./http-project.ts";

let fake: FakeStripe;
let project: HttpProject;

function source(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    connector: "stripe",
    lookback: "5m",
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

const nowS = () => Math.floor(Date.now() / 1000);
const events = () => fake.server.answered("/v1/events");
/** the newest landed value of `column` for one id */
const latest = async (id: string, column: string) =>
  (await project.lake("customers", "id", `arg_max(${column}, _dp_loaded_at) FILTER (WHERE id = '${id}')`)).extra;

describe("stripe updates through /v1/events", () => {
  test("an old object updated between pulls lands with its new state; events read since events_cursor − lookback", async () => {
    const before = nowS();
    await project.pull();
    const first = project.stream("customers")!.state!;
    expect(first.events_cursor).toBeGreaterThanOrEqual(before);
    expect(first.events_cursor).toBeLessThanOrEqual(nowS());
    expect(events()).toHaveLength(0);

    // created ~4 hours before the cursor: far outside the 5m lookback of the created[gte] pass
    expect(first.cursor as number).toBeGreaterThan(fake.objects.customers![0]!.created + 3600);
    fake.update("customers", "cus_00000001", { email: "new@example.com" });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await latest("cus_00000001", "email")).toBe("new@example.com");
    const [req, ...rest] = events();
    expect(rest).toHaveLength(0);
    expect(req!.query.get("type")).toBe("customer.*");
    expect(req!.query.get("created[gte]")).toBe(String((first.events_cursor as number) - 300));
    // the one update lands; the 6 the created[gte] lookback window lists again are in the lake as they are
    expect(r.rows).toBe(1);
    expect(r.streams[0]!.unchanged).toBe(6);
    const second = project.stream("customers")!.state!;
    expect(second.cursor).toBe(first.cursor);
    expect(second.events_cursor).toBeGreaterThanOrEqual(fake.events.at(-1)!.created);
  });

  test("the newest state per object wins within a pull; new objects already listed are not landed twice", async () => {
    await project.pull();
    fake.update("customers", "cus_00000002", { name: "v1" });
    fake.update("customers", "cus_00000002", { name: "v2" });
    fake.add("customers", 3);
    const r = await project.pull();
    // 3 new from the list pass and 1 update from events land; the list pass's 6 in the lookback are unchanged
    expect(r.rows).toBe(4);
    expect(r.streams[0]!.unchanged).toBe(6);
    expect(await latest("cus_00000002", "name")).toBe("v2");
    expect((await project.lake("customers", "id", "count(*) FILTER (WHERE id = 'cus_00000002')")).extra).toBe(2);
  });

  test("a deleted object lands with deleted: true", async () => {
    await project.pull();
    fake.remove("customers", "cus_00000003");
    expect((await project.pull()).status).toBe("ok");
    expect(
      (await project.lake("customers", "id", "count(*) FILTER (WHERE id = 'cus_00000003' AND deleted)")).extra,
    ).toBe(1);
    expect(fake.events.at(-1)!.type).toBe("customer.deleted");
  });

  test("event_types override: several types go as types[]; the fake filters like Stripe", async () => {
    fake.add("subscriptions", 20);
    project.write(
      source({
        streams: ["customers", "subscriptions"],
        event_types: { customers: ["customer.updated", "customer.deleted"] },
      }),
    );
    await project.pull();
    fake.update("customers", "cus_00000004", { email: "x@example.com" });
    fake.update("subscriptions", "sub_00000251", { status: "canceled" });
    expect((await project.pull()).status).toBe("ok");
    const [cus, sub] = [events().find((q) => q.query.has("types[]"))!, events().find((q) => q.query.has("type"))!];
    expect(cus.query.getAll("types[]")).toEqual(["customer.updated", "customer.deleted"]);
    expect(sub.query.get("type")).toBe("customer.subscription.*");
    expect(await latest("cus_00000004", "email")).toBe("x@example.com");
    // customer.* also matches customer.subscription.*: the subscription event must not land as a customer
    expect((await project.lake("customers", "id", "count(*) FILTER (WHERE id LIKE 'sub_%')")).extra).toBe(0);
    const subs = await project.lake(
      "subscriptions",
      "id",
      "arg_max(status, _dp_loaded_at) FILTER (WHERE id = 'sub_00000251')",
    );
    expect(subs.extra).toBe("canceled");
  });

  test("updates: lookback keeps created[gte] + lookback only: no /v1/events, no events_cursor", async () => {
    project.write(source({ updates: "lookback" }));
    await project.pull();
    fake.update("customers", "cus_00000001", { email: "new@example.com" });
    const r = await project.pull();
    // the 6 in the created[gte] lookback are listed again, as the lake holds them
    expect(r.rows).toBe(0);
    expect(r.streams[0]!.unchanged).toBe(6);
    expect(events()).toHaveLength(0);
    expect(await latest("cus_00000001", "email")).toBe("user1@example.com");
    expect(project.stream("customers")?.state).toEqual({
      cursor: Math.max(...fake.objects.customers!.map((o) => o.created)),
    });
  });

  test("429 on /v1/events is retried", async () => {
    await project.pull();
    fake.update("customers", "cus_00000001", { email: "new@example.com" });
    fake.server.fail({ kind: "status", status: 429, retryAfter: "0" }, { path: "/v1/events", times: 2 });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(fake.server.requests.filter((q) => q.fault && q.path === "/v1/events")).toHaveLength(2);
    expect(await latest("cus_00000001", "email")).toBe("new@example.com");
  });

  test("events_cursor past the 30-day retention: warns and re-lists everything", async () => {
    await project.pull();
    const store = new StateStore(join(project.dir, "lake", "state"));
    const stale = nowS() - 31 * 86_400;
    store.update(
      "billing",
      (s) => void (s.streams.customers!.state = { cursor: s.streams.customers!.state!.cursor, events_cursor: stale }),
    );
    const lines: string[] = [];
    const spy = spyOn(process.stderr, "write").mockImplementation((chunk: any) => (lines.push(String(chunk)), true));
    let r;
    try {
      r = await project.pull();
    } finally {
      spy.mockRestore();
    }
    expect(r.status).toBe("ok");
    // all 250 listed again, none changed since the lake took them
    expect(r.rows).toBe(0);
    expect(r.streams[0]!.unchanged).toBe(250);
    expect(lines.join("")).toContain("older than Stripe's 30-day event retention");
    expect(fake.server.answered("/v1/customers").at(-1)!.query.has("created[gte]")).toBe(false);
    expect(events()).toHaveLength(0);
    expect(project.stream("customers")!.state!.events_cursor as number).toBeGreaterThan(stale + 30 * 86_400);
  });

  test("kill -9 mid-events-pull, then rerun: events_cursor not advanced, no update lost", async () => {
    project.write(source({ page_size: 50 }, { lookback: "0s" }));
    await project.pull();
    const before = project.stream("customers")!.state!;
    for (let i = 1; i <= 240; i++)
      fake.update("customers", `cus_${String(i).padStart(8, "0")}`, { email: `updated${i}@example.com` });
    fake.server.delayMs = 120;
    const child = project.spawnPull(50);
    const files = project.parquetFiles("customers").length;
    await waitFor(
      "a durable file from the events pass",
      () => events().length >= 3 && project.parquetFiles("customers").length >= files + 2,
    );
    child.kill(9);
    await child.exited;
    expect(events().length).toBeLessThan(5);
    expect(project.stream("customers")!.state!.events_cursor).toBe(before.events_cursor);
    fake.server.delayMs = 0;
    // Stripe's `created` has one-second resolution: let the clock pass the first pull's second
    await Bun.sleep(1100);
    expect((await project.pull()).status).toBe("ok");
    expect(
      (await project.lake("customers", "id", "count(DISTINCT id) FILTER (WHERE email LIKE 'updated%')")).extra,
    ).toBe(240);
    expect(project.stream("customers")!.state!.events_cursor as number).toBeGreaterThan(before.events_cursor as number);
  }, 20_000);

  test("config: updates and event_types are strict", async () => {
    project.write(source({ updates: "webhooks" }));
    await expect(project.pull()).rejects.toThrow('expected one of "events"|"lookback"');
    project.write(source({ event_types: { customers: Array.from({ length: 21 }, (_, i) => `t${i}.updated`) } }));
    await expect(project.pull()).rejects.toThrow("at most 20 event types");
  });

  test("the event type table: known streams, <singular>.* fallback, no-event endpoints, override", () => {
    expect(stripeEventsFor("subscriptions")).toEqual({ types: ["customer.subscription.*"], object: "subscription" });
    expect(stripeEventsFor("payment_intents")).toEqual({ types: ["payment_intent.*"], object: "payment_intent" });
    expect(stripeEventsFor("balance_transactions").types).toEqual([]);
    expect(stripeEventsFor("invoices", [])).toEqual({ types: [], object: "invoice" });
  });
});
