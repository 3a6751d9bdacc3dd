import { FakeServer, bearer, type FakeResponse, type RecordedRequest } from "./faults.ts";
import { stripeError, type StripeObject } from "./stripe/list.ts";
import { route } from "./stripe/routes.ts";
import { API_VERSION } from "./stripe/shapes.ts";

export type { StripeObject } from "./stripe/list.ts";
export { EVENT_RETENTION_S } from "./stripe/routes.ts";
export { API_VERSION } from "./stripe/shapes.ts";

const PREFIX: Record<string, [string, string]> = {
  customers: ["cus", "customer"],
  subscriptions: ["sub", "subscription"],
  invoices: ["in", "invoice"],
  charges: ["ch", "charge"],
  products: ["prod", "product"],
};

export const STRIPE_SEED_CREATED = 1_760_000_000;

export interface StripeEvent {
  id: string;
  object: "event";
  type: string;
  created: number;
  livemode: false;
  api_version?: string;
  pending_webhooks?: number;
  request?: { id: string | null; idempotency_key: string | null };
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
}

/**
 * A Stripe API on loopback, read-only over HTTP (routes in stripe/routes.ts):
 * - lists: newest first, `limit` 1..100, `starting_after`/`ending_before`, `has_more`, `url`,
 *   `created[gte|gt|lte|lt]`, `expand[]=data.x` (nested paths too), the documented filters, unknown
 *   parameters refused; subscriptions hide canceled ones unless `status=all|canceled|ended`;
 * - retrieve `/v1/<resource>/<id>` (a deleted customer answers `{id, object, deleted: true}`),
 *   `/v1/invoices/<id>/lines`, `/v1/subscription_items?subscription=`;
 * - `/v1/events` filtered by `type` (one name or `*` wildcard) or `types[]` (up to 20; not both),
 *   kept 30 days before `now()`;
 * - Stripe's error envelope: 401 bad key, 400 invalid_request_error, 404 resource_missing.
 *
 * Objects change through `add`/`update`/`remove` (compact seed shapes the connector tests and the
 * bench were written for) or through the account builder (stripe-account.ts: full shapes, scripted
 * over time). Changes after `start` record events stamped with `eventClock`, else the wall clock
 * (dp anchors its events cursor there); the seed objects of `start` record none, as if created
 * before the retention window.
 */
export class FakeStripe {
  readonly apiKey = "sk_test_fake51HxQ2eZvKYlo2C";
  /** a restricted key (`rk_…`): accepted like apiKey, and limited to `permissions` */
  readonly restrictedKey = "rk_test_fake51HxQ2eZvKYlo2CqsRk8Kgd";
  /**
   * The restricted key's Read permissions (`rak_customer_read`, ...; see PERMISSION); undefined grants it every
   * one. An endpoint it lacks answers 403 invalid_request_error "The provided key 'rk_…' does not have the
   * required permissions for this endpoint on account 'acct_…'. Having the 'rak_…' permission would allow this
   * request to continue." (Stripe's answer to a restricted key, as stripe-node's StripePermissionError carries it).
   */
  permissions: Set<string> | undefined;
  /** listed objects per list endpoint */
  readonly objects: Record<string, StripeObject[]> = {};
  /** objects Stripe has no list endpoint for (discounts, pending invoice items), found by id for expand[] */
  readonly internal = new Map<string, Record<string, unknown>>();
  /** id → resource of every object deleted with `remove` */
  readonly deleted = new Map<string, string>();
  readonly events: StripeEvent[] = [];
  /** unix seconds stamped on the next event, and the fake's "now"; wall clock when unset */
  eventClock: number | undefined;
  private recording = false;
  /** unix seconds of the next created object */
  clock = STRIPE_SEED_CREATED;
  private seq = 0;

  private constructor(readonly server: FakeServer) {}

  static async start(counts: Partial<Record<string, number>> = { customers: 250 }): Promise<FakeStripe> {
    let fake!: FakeStripe;
    const server = await FakeServer.start((req) => fake.handle(req));
    fake = new FakeStripe(server);
    for (const [resource, n] of Object.entries(counts)) fake.add(resource, n ?? 0);
    fake.recording = true;
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  /** The fake's "now" in unix seconds: the pinned clock, else the wall clock. */
  now(): number {
    return this.eventClock ?? Math.floor(Date.now() / 1000);
  }

  add(resource: string, n: number, fields: Record<string, unknown> = {}): StripeObject[] {
    const [prefix, object] = PREFIX[resource] ?? [resource.slice(0, 3), resource.replace(/s$/, "")];
    const list = (this.objects[resource] ??= []);
    const made: StripeObject[] = [];
    for (let i = 0; i < n; i++) {
      this.seq += 1;
      this.clock += 60;
      const id = `${prefix}_${String(this.seq).padStart(8, "0")}`;
      const o: StripeObject = {
        id,
        object,
        created: this.clock,
        livemode: false,
        metadata: { seq: String(this.seq) },
        ...this.defaults(resource, this.seq),
        ...fields,
      };
      list.push(o);
      made.push(o);
      this.record("created", o);
    }
    return made;
  }

  /** Store a fully built object under its list endpoint and record its `.created` event. */
  insert(resource: string, o: StripeObject, eventType?: string): StripeObject {
    (this.objects[resource] ??= []).push(o);
    this.emit(eventType ?? `${eventPrefix(o)}.created`, o);
    return o;
  }

  update(resource: string, id: string, patch: Record<string, unknown>): void {
    const o = this.objects[resource]?.find((x) => x.id === id);
    if (!o) throw new Error(`no ${resource} ${id}`);
    const previous = Object.fromEntries(Object.keys(patch).map((k) => [k, o[k] ?? null]));
    Object.assign(o, patch);
    this.record("updated", o, previous);
  }

  /**
   * Apply `mutate` to a stored object and record one event (default `<object>.updated`) whose
   * `previous_attributes` hold the old value of every top-level field that changed, as Stripe sends.
   */
  change(o: StripeObject, mutate: (o: StripeObject) => void, eventType?: string): void {
    const before = structuredClone(o);
    mutate(o);
    const previous: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(o)])) {
      if (JSON.stringify(before[key]) !== JSON.stringify(o[key])) previous[key] = before[key] ?? null;
    }
    this.emit(eventType ?? `${eventPrefix(o)}.updated`, o, previous);
  }

  /**
   * Delete an object as Stripe does. A customer (product, coupon, ...) leaves its list and a
   * `<object>.deleted` event holds its last state. A subscription is never deleted: "deleting" it
   * cancels it (status canceled, `ended_at`), it stays listed under `status=all`, and the
   * `customer.subscription.deleted` event means it ended.
   */
  remove(resource: string, id: string): void {
    const list = this.objects[resource] ?? [];
    const at = list.findIndex((x) => x.id === id);
    if (at < 0) throw new Error(`no ${resource} ${id}`);
    const o = list[at]!;
    if (resource === "subscriptions") {
      const now = this.now();
      Object.assign(o, { status: "canceled", canceled_at: o.canceled_at ?? now, ended_at: now });
      this.record("deleted", o);
      return;
    }
    list.splice(at, 1);
    this.deleted.set(id, resource);
    this.record("deleted", o);
  }

  /** Ids visible to a list call with `status=all` (what a full pull should land). */
  ids(resource: string): string[] {
    return (this.objects[resource] ?? []).map((o) => o.id);
  }

  /** Any stored object by id (listed, internal, or a deleted customer's stub): what `expand[]` resolves. */
  readonly resolve = (id: string): Record<string, unknown> | undefined => {
    for (const list of Object.values(this.objects)) {
      const found = list.find((x) => x.id === id);
      if (found) return found;
    }
    const inner = this.internal.get(id);
    if (inner) return inner;
    const resource = this.deleted.get(id);
    return resource === "customers" ? { id, object: "customer", deleted: true } : undefined;
  };

  /** Record an event of any type holding a snapshot of `o` (after the change). */
  emit(type: string, o: StripeObject, previous?: Record<string, unknown>): void {
    if (!this.recording) return;
    this.events.push({
      id: `evt_${String(this.events.length + 1).padStart(8, "0")}`,
      object: "event",
      api_version: API_VERSION,
      type,
      created: this.now(),
      livemode: false,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(o), ...(previous ? { previous_attributes: previous } : {}) },
    });
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private record(action: string, o: StripeObject, previous?: Record<string, unknown>): void {
    this.emit(`${eventPrefix(o)}.${action}`, o, previous);
  }

  private defaults(resource: string, seq: number): Record<string, unknown> {
    switch (resource) {
      case "customers":
        return { email: `user${seq}@example.com`, name: `Customer ${seq}`, currency: "usd", balance: 0, address: null };
      case "subscriptions":
        return {
          customer: `cus_${String(seq).padStart(8, "0")}`,
          status: seq % 7 === 0 ? "canceled" : "active",
          items: { object: "list", data: [{ id: `si_${seq}`, price: { id: "price_pro", unit_amount: 4900 } }] },
        };
      case "invoices":
        return {
          customer: `cus_${String(seq).padStart(8, "0")}`,
          amount_due: 4900,
          amount_paid: 4900,
          status: "paid",
          currency: "usd",
        };
      case "charges":
        return {
          amount: 4900,
          currency: "usd",
          paid: true,
          refunded: false,
          customer: `cus_${String(seq).padStart(8, "0")}`,
        };
      default:
        return {};
    }
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (bearer(req) === this.restrictedKey) {
      const permission = permissionFor(req.path);
      if (this.permissions && permission && !this.permissions.has(permission))
        return permissionDenied(this.restrictedKey, permission);
      return route(this, req);
    }
    if (bearer(req) !== this.apiKey) {
      return stripeError(
        401,
        "invalid_request_error",
        `Invalid API Key provided: ${(bearer(req) ?? "").slice(0, 8)}****`,
      );
    }
    return route(this, req);
  }
}

/** Subscription events are named `customer.subscription.*`; every other object's events after the object. */
function eventPrefix(o: StripeObject): string {
  return o.object === "subscription" ? "customer.subscription" : o.object;
}

/** The restricted-key permission reading each /v1 resource needs (Stripe Dashboard → API keys → restricted key). */
export const PERMISSION: Record<string, string> = {
  customers: "rak_customer_read",
  products: "rak_product_read",
  prices: "rak_price_read",
  coupons: "rak_coupon_read",
  subscriptions: "rak_subscription_read",
  subscription_items: "rak_subscription_read",
  invoices: "rak_invoice_read",
  charges: "rak_charge_read",
  refunds: "rak_refund_read",
  events: "rak_event_read",
};

function permissionFor(path: string): string | undefined {
  const resource = /^\/v1\/([a-z_]+)/.exec(path.split("?")[0] ?? "")?.[1];
  return resource ? PERMISSION[resource] : undefined;
}

/** Stripe's 403 to a restricted key without the endpoint's permission: the key shown masked but its last 6 characters. */
function permissionDenied(key: string, permission: string): FakeResponse {
  const shown = `${key.slice(0, 8)}${"*".repeat(key.length - 14)}${key.slice(-6)}`;
  return stripeError(
    403,
    "invalid_request_error",
    `The provided key '${shown}' does not have the required permissions for this endpoint on account 'acct_1FakeDpAccount0'. Having the '${permission}' permission would allow this request to continue.`,
  );
}
