/**
 * The fake Stripe API itself, over HTTP: shapes against Stripe's published example objects, the
 * list contract, filters, expansions, retrieves, events and errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { devScenario } from "../fixtures/stripe/dev.ts";
import type { Scenario } from "../fixtures/stripe/scenario.ts";

/** Stripe's example objects (the resources the fake serves, copied from stripe/openapi's fixtures3.json) */
const FIXTURES = (await Bun.file(`${import.meta.dir}/../fixtures/stripe/stripe-fixtures3.subset.json`).json())
  .resources as Record<string, Record<string, unknown>>;

let scenario: Scenario;
let base: string;
let key: string;

beforeAll(async () => {
  scenario = await devScenario();
  base = scenario.account.fake.url;
  key = scenario.account.fake.apiKey;
});
afterAll(() => scenario.account.close());

async function get(path: string, params: [string, string][] = [], token = key): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

/** Every page of a list, following starting_after. */
async function all(path: string, params: [string, string][] = []): Promise<any[]> {
  const out: any[] = [];
  for (let after: string | undefined; ; ) {
    const { body } = await get(path, [
      ...params,
      ["limit", "100"],
      ...(after ? [["starting_after", after] as [string, string]] : []),
    ]);
    out.push(...body.data);
    if (!body.has_more) return out;
    after = body.data.at(-1).id;
  }
}

const keys = (o: object) => Object.keys(o).sort();
const customerId = (name: string) => scenario.customers[name]!;

describe("shapes: the fields of Stripe's example objects (stripe-fixtures3.json)", () => {
  test("every object type has the fixture's top-level fields, with the documented differences", async () => {
    const subs = await all("/v1/subscriptions", [
      ["status", "all"],
      ["customer", customerId("Acme Analytics")],
    ]);
    const invoice = (await all("/v1/invoices")).find((i) => i.lines.data.length > 1);
    const samples: Record<string, any> = {
      customer: (await get("/v1/customers", [["limit", "1"]])).body.data[0],
      product: (await get("/v1/products", [["limit", "1"]])).body.data[0],
      price: (await get("/v1/prices", [["limit", "1"]])).body.data[0],
      coupon: (await get("/v1/coupons", [["limit", "1"]])).body.data[0],
      subscription: subs[0],
      subscription_item: subs[0].items.data[0],
      plan: subs[0].items.data[0].plan,
      discount: (await get(`/v1/subscriptions/${subs[0].id}`, [["expand[]", "discounts"]])).body.discounts[0],
      invoice,
      line_item: invoice.lines.data[0],
      charge: (await get("/v1/charges", [["limit", "1"]])).body.data[0],
      refund: (await get("/v1/refunds", [["limit", "1"]])).body.data[0],
      invoice_payment: (await get("/v1/invoice_payments", [["limit", "1"]])).body.data[0],
      event: (await get("/v1/events", [["limit", "1"]])).body.data[0],
    };
    // the current API (2026-07-29.dahlia) no longer returns these; the fixture file still lists them
    const dropped: Record<string, string[]> = { invoice: ["subscription"], charge: ["refunds"] };
    // returned by the current API, absent from the fixture file
    const added: Record<string, string[]> = { customer: ["customer_account"] };
    for (const [type, sample] of Object.entries(samples)) {
      const expected = keys(FIXTURES[type]!).filter((k) => !dropped[type]?.includes(k));
      expect({ type, keys: keys(sample).filter((k) => !added[type]?.includes(k)) }).toEqual({ type, keys: expected });
    }
  });

  test("the traps of current Stripe objects are there", async () => {
    const [acme] = await all("/v1/subscriptions", [["customer", customerId("Acme Analytics")]]);
    expect(acme.current_period_end).toBeUndefined();
    expect(acme.items.data[0].current_period_end).toBeGreaterThan(acme.items.data[0].current_period_start);
    expect(acme.items.data[0].price).toMatchObject({
      object: "price",
      unit_amount: 3000,
      recurring: { interval: "month", interval_count: 1, usage_type: "licensed" },
    });
    expect(acme.discounts).toEqual([expect.stringMatching(/^di_/)]);
    const expanded = (await get(`/v1/subscriptions/${acme.id}`, [["expand[]", "discounts.source.coupon"]])).body;
    expect(expanded.discounts[0]).toMatchObject({
      object: "discount",
      end: null,
      source: { type: "coupon", coupon: { id: "FOREVER20", percent_off: 20, duration: "forever" } },
    });
    const invoices = await all("/v1/invoices", [["customer", customerId("Acme Analytics")]]);
    const renewal = invoices.find((i) => i.billing_reason === "subscription_cycle");
    expect(renewal.parent).toEqual({
      quote_details: null,
      subscription_details: { metadata: {}, subscription: acme.id },
      type: "subscription_details",
    });
    // a renewal invoice's own period is the period that just ended; its lines carry the new one
    expect(renewal.period_end).toBe(renewal.lines.data[0].period.start);
    expect(renewal.lines.data[0].parent).toMatchObject({
      type: "subscription_item_details",
      subscription_item_details: { subscription: acme.id, subscription_item: acme.items.data[0].id, proration: false },
    });
    expect(renewal.lines.data[0].pricing).toEqual({
      price_details: { price: acme.items.data[0].price.id, product: acme.items.data[0].price.product },
      type: "price_details",
      unit_amount_decimal: "3000",
    });
    const withProration = invoices.find((i) => i.lines.data.some((l: any) => l.amount < 0));
    const credit = withProration.lines.data.find((l: any) => l.amount < 0);
    expect(credit).toMatchObject({
      discountable: false,
      parent: { subscription_item_details: { proration: true, invoice_item: expect.stringMatching(/^ii_/) } },
    });
    expect(credit.parent.subscription_item_details.proration_details.credited_items.invoice_line_items).toHaveLength(1);
  });
});

describe("lists", () => {
  test("newest first; starting_after and ending_before walk the same order; has_more; url", async () => {
    const everything = await all("/v1/invoices");
    expect(everything.map((i) => i.created)).toEqual([...everything.map((i) => i.created)].sort((a, b) => b - a));
    const first = (await get("/v1/invoices", [["limit", "3"]])).body;
    expect(first).toMatchObject({ object: "list", url: "/v1/invoices", has_more: true });
    expect(first.data.map((i: any) => i.id)).toEqual(everything.slice(0, 3).map((i) => i.id));
    const back = (
      await get("/v1/invoices", [
        ["limit", "2"],
        ["ending_before", everything[5].id],
      ])
    ).body;
    expect(back.data.map((i: any) => i.id)).toEqual(everything.slice(3, 5).map((i) => i.id));
    expect(back.has_more).toBe(true);
    const top = (
      await get("/v1/invoices", [
        ["limit", "10"],
        ["ending_before", everything[2].id],
      ])
    ).body;
    expect([top.data.length, top.has_more]).toEqual([2, false]);
  });

  test("created filters", async () => {
    const oct = await all("/v1/charges", [
      ["created[gte]", String(Date.parse("2026-10-01") / 1000)],
      ["created[lt]", String(Date.parse("2026-11-01") / 1000)],
    ]);
    expect(oct.length).toBeGreaterThan(10);
    expect(
      oct.every((c) => c.created >= Date.parse("2026-10-01") / 1000 && c.created < Date.parse("2026-11-01") / 1000),
    ).toBe(true);
  });

  test("subscriptions hide canceled ones unless asked: status=all, canceled, ended", async () => {
    const visible = await all("/v1/subscriptions");
    const everything = await all("/v1/subscriptions", [["status", "all"]]);
    const canceled = await all("/v1/subscriptions", [["status", "canceled"]]);
    const ended = await all("/v1/subscriptions", [["status", "ended"]]);
    expect(visible.some((s) => s.status === "canceled")).toBe(false);
    expect(everything.length).toBe(visible.length + canceled.length);
    expect(canceled.map((s) => s.status)).toEqual(canceled.map(() => "canceled"));
    expect(ended.filter((s) => s.status === "incomplete_expired")).toHaveLength(1);
    expect(new Set(everything.map((s) => s.status))).toEqual(
      new Set(["active", "past_due", "canceled", "incomplete_expired"]),
    );
    expect((await get("/v1/subscriptions", [["status", "gone"]])).body.error).toMatchObject({
      type: "invalid_request_error",
      param: "status",
    });
  });

  test("a deleted customer leaves the customer list; retrieving it answers the deleted stub; its subscription stays", async () => {
    const pine = customerId("Pine Partners");
    expect((await all("/v1/customers")).some((c) => c.id === pine)).toBe(false);
    expect(await get(`/v1/customers/${pine}`)).toEqual({
      status: 200,
      body: { id: pine, object: "customer", deleted: true },
    });
    const [sub] = await all("/v1/subscriptions", [
      ["status", "all"],
      ["customer", pine],
      ["expand[]", "data.customer"],
    ]);
    expect(sub).toMatchObject({ status: "canceled", customer: { id: pine, deleted: true } });
  });

  test("filters: invoices by subscription (under parent), refunds by charge", async () => {
    const [sub] = await all("/v1/subscriptions", [["customer", customerId("Kite Kitchens")]]);
    const invoices = await all("/v1/invoices", [["subscription", sub.id]]);
    expect(invoices.length).toBeGreaterThan(5);
    expect(invoices.every((i) => i.parent.subscription_details.subscription === sub.id)).toBe(true);
    expect(sub.items.data).toHaveLength(2);
    const [refund] = await all("/v1/refunds");
    expect((await all("/v1/refunds", [["charge", refund.charge]])).map((r) => r.id)).toEqual([refund.id]);
  });
});

describe("retrieve, sub-lists and errors", () => {
  test("an invoice's lines and a subscription's items page on their own", async () => {
    const invoice = (await all("/v1/invoices")).find((i) => i.lines.data.length >= 3);
    const lines = await get(`/v1/invoices/${invoice.id}/lines`, [["limit", "1"]]);
    expect(lines.body).toMatchObject({
      object: "list",
      url: `/v1/invoices/${invoice.id}/lines`,
      has_more: true,
      data: [invoice.lines.data[0]],
    });
    const [kite] = await all("/v1/subscriptions", [["customer", customerId("Kite Kitchens")]]);
    expect((await get("/v1/subscription_items", [["subscription", kite.id]])).body.data).toEqual(kite.items.data);
    expect((await get("/v1/subscription_items")).body.error).toMatchObject({
      code: "parameter_missing",
      param: "subscription",
    });
  });

  test("a restricted key reads what its permissions allow; any other endpoint answers 403 naming the rak_ permission", async () => {
    const fake = scenario.account.fake;
    fake.permissions = new Set(["rak_customer_read"]);
    try {
      expect((await get("/v1/customers", [], fake.restrictedKey)).status).toBe(200);
      const refused = await get("/v1/refunds", [], fake.restrictedKey);
      expect(refused).toEqual({
        status: 403,
        body: {
          error: {
            type: "invalid_request_error",
            message:
              "The provided key 'rk_test_*********************Rk8Kgd' does not have the required permissions for this endpoint on account 'acct_1FakeDpAccount0'. Having the 'rak_refund_read' permission would allow this request to continue.",
          },
        },
      });
      // the secret key is not restricted
      expect((await get("/v1/refunds")).status).toBe(200);
    } finally {
      fake.permissions = undefined;
    }
  });

  test("Stripe's error envelope: 401, 400 (limit, unknown parameter, both cursors, bad expand), 404", async () => {
    expect(await get("/v1/customers", [], "sk_test_wrong")).toMatchObject({
      status: 401,
      body: { error: { type: "invalid_request_error", message: expect.stringContaining("Invalid API Key") } },
    });
    expect(await get("/v1/customers", [["limit", "101"]])).toMatchObject({
      status: 400,
      body: { error: { type: "invalid_request_error", param: "limit" } },
    });
    expect(await get("/v1/customers", [["colour", "blue"]])).toMatchObject({
      status: 400,
      body: { error: { code: "parameter_unknown", message: "Received unknown parameter: colour" } },
    });
    expect(
      (
        await get("/v1/customers", [
          ["starting_after", "cus_x"],
          ["ending_before", "cus_y"],
        ])
      ).status,
    ).toBe(400);
    expect(await get("/v1/subscriptions", [["expand[]", "customer"]])).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining("data.customer") } },
    });
    expect(await get("/v1/subscriptions", [["expand[]", "data.nonsense"]])).toMatchObject({
      status: 400,
      body: { error: { message: "This property cannot be expanded (nonsense)." } },
    });
    expect(await get("/v1/customers/cus_nope")).toMatchObject({
      status: 404,
      body: {
        error: {
          type: "invalid_request_error",
          code: "resource_missing",
          param: "id",
          message: "No such customer: 'cus_nope'",
        },
      },
    });
    expect(await get("/v1/customers", [["starting_after", "cus_nope"]])).toMatchObject({
      status: 400,
      body: { error: { code: "resource_missing" } },
    });
  });
});

describe("events", () => {
  test("kept 30 days before now; type wildcards and types[]; the full object after the change", async () => {
    const now = scenario.account.now;
    const listed = await all("/v1/events");
    expect(Math.min(...listed.map((e) => e.created))).toBeGreaterThanOrEqual(now - 30 * 86_400);
    expect(scenario.account.fake.events.length).toBeGreaterThan(listed.length);
    const subs = await all("/v1/events", [["type", "customer.subscription.*"]]);
    expect(
      subs.every((e) => e.type.startsWith("customer.subscription.") && e.data.object.object === "subscription"),
    ).toBe(true);
    const two = await all("/v1/events", [
      ["types[]", "invoice.paid"],
      ["types[]", "charge.failed"],
    ]);
    expect(new Set(two.map((e) => e.type))).toEqual(new Set(["invoice.paid", "charge.failed"]));
    expect(
      (
        await get("/v1/events", [
          ["type", "a"],
          ["types[]", "b"],
        ])
      ).status,
    ).toBe(400);
    const update = subs.find((e) => e.type === "customer.subscription.updated" && e.data.previous_attributes?.items);
    expect(update.data.object.items.data[0].current_period_start).toBeGreaterThan(
      update.data.previous_attributes.items.data[0].current_period_start,
    );
    expect((await get(`/v1/events/${update.id}`)).body).toEqual(update);
    const old = scenario.account.fake.events[0]!;
    expect((await get(`/v1/events/${old.id}`)).status).toBe(404);
  });

  test("no silent changes: the newest event of every subscription, invoice and charge holds it as it is now", () => {
    const newest = new Map<string, unknown>();
    for (const e of scenario.account.fake.events) newest.set(e.data.object.id, e.data.object);
    for (const resource of ["subscriptions", "invoices", "charges"]) {
      for (const o of scenario.account.fake.objects[resource]!)
        expect(newest.get(o.id)).toEqual(JSON.parse(JSON.stringify(o)));
    }
  });

  test("customer.subscription.deleted means the subscription ended: status canceled, still listed with status=all", async () => {
    const ended = scenario.account.fake.events.filter((e) => e.type === "customer.subscription.deleted");
    expect(ended.length).toBeGreaterThan(3);
    const everything = new Set((await all("/v1/subscriptions", [["status", "all"]])).map((s) => s.id));
    for (const e of ended) {
      expect(["canceled", "incomplete_expired"]).toContain(e.data.object.status as string);
      expect(e.data.object.ended_at).toBe(e.created);
      expect(everything.has(e.data.object.id)).toBe(true);
    }
  });
});
