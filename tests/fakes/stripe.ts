import { FakeServer, bearer, type FakeResponse, type RecordedRequest } from "./faults.ts";

export type StripeObject = { id: string; object: string; created: number; [k: string]: unknown };

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
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
}

const EVENT_RETENTION_S = 30 * 86_400;

/**
 * Stripe's list contract: newest first, `limit` 1..100, `starting_after`/`ending_before`
 * object ids, `has_more`, `created[gte|gt|lte|lt]`, `expand[]=data.x`, Bearer secret key,
 * subscriptions hiding canceled ones unless `status=all`.
 *
 * `/v1/events` lists the same way, filtered by `type` (one name or `*` wildcard) or `types[]`
 * (up to 20; not both), kept 30 days. add/update/remove after start record `<object>.created|
 * updated|deleted` events stamped with the wall clock (dp anchors its events cursor there); the
 * seed objects of `start` record none, as if created before the retention window.
 */
export class FakeStripe {
  readonly apiKey = "sk_test_fake51HxQ2eZvKYlo2C";
  readonly objects: Record<string, StripeObject[]> = {};
  readonly events: StripeEvent[] = [];
  /** unix seconds stamped on the next event; wall clock when unset */
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

  update(resource: string, id: string, patch: Record<string, unknown>): void {
    const o = this.objects[resource]?.find((x) => x.id === id);
    if (!o) throw new Error(`no ${resource} ${id}`);
    const previous = Object.fromEntries(Object.keys(patch).map((k) => [k, o[k] ?? null]));
    Object.assign(o, patch);
    this.record("updated", o, previous);
  }

  /** Delete an object: it leaves the list, and a `<object>.deleted` event holds its last state. */
  remove(resource: string, id: string): void {
    const list = this.objects[resource] ?? [];
    const at = list.findIndex((x) => x.id === id);
    if (at < 0) throw new Error(`no ${resource} ${id}`);
    const [o] = list.splice(at, 1);
    this.record("deleted", o!);
  }

  /** Ids visible to a list call with `status=all` (what a full pull should land). */
  ids(resource: string): string[] {
    return (this.objects[resource] ?? []).map((o) => o.id);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private record(action: string, o: StripeObject, previous?: Record<string, unknown>): void {
    if (!this.recording) return;
    const type = `${o.object === "subscription" ? "customer.subscription" : o.object}.${action}`;
    this.events.push({
      id: `evt_${String(this.events.length + 1).padStart(8, "0")}`,
      object: "event",
      type,
      created: this.eventClock ?? Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: structuredClone(o), ...(previous ? { previous_attributes: previous } : {}) },
    });
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
    if (bearer(req) !== this.apiKey) {
      return stripeError(
        401,
        "invalid_request_error",
        `Invalid API Key provided: ${(bearer(req) ?? "").slice(0, 8)}****`,
      );
    }
    if (req.method === "GET" && req.path === "/v1/events") return this.listEvents(req.query);
    const m = /^\/v1\/([a-z_]+)$/.exec(req.path);
    if (req.method !== "GET" || !m || !this.objects[m[1]!]) {
      return stripeError(404, "invalid_request_error", `Unrecognized request URL (${req.method}: ${req.path}).`);
    }
    const resource = m[1]!;
    const q = req.query;
    const limit = Number(q.get("limit") ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return stripeError(400, "invalid_request_error", "Invalid integer: limit must be between 1 and 100", "limit");
    }
    let rows = [...this.objects[resource]!];
    if (resource === "subscriptions" && q.get("status") !== "all") {
      rows = rows.filter((o) => (q.get("status") ? o.status === q.get("status") : o.status !== "canceled"));
    }
    const page = listPage(rows, q, limit, resource.replace(/s$/, ""));
    if ("error" in page) return page.error;
    return {
      body: {
        object: "list",
        url: `/v1/${resource}`,
        has_more: page.has_more,
        data: page.data.map((o) => this.expand(o, q.getAll("expand[]"))),
      },
    };
  }

  private listEvents(q: URLSearchParams): FakeResponse {
    const limit = Number(q.get("limit") ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return stripeError(400, "invalid_request_error", "Invalid integer: limit must be between 1 and 100", "limit");
    }
    const types = q.getAll("types[]");
    if (types.length && q.has("type"))
      return stripeError(400, "invalid_request_error", "You may pass either `type` or `types`, but not both.", "types");
    if (types.length > 20)
      return stripeError(400, "invalid_request_error", "You may pass at most 20 values for `types`.", "types");
    const patterns = (q.has("type") ? [q.get("type")!] : types).map(
      (t) => new RegExp(`^${t.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`),
    );
    const oldest = (this.eventClock ?? Math.floor(Date.now() / 1000)) - EVENT_RETENTION_S;
    const rows = this.events.filter(
      (e) => e.created >= oldest && (!patterns.length || patterns.some((p) => p.test(e.type))),
    );
    const page = listPage(rows, q, limit, "event");
    if ("error" in page) return page.error;
    return { body: { object: "list", url: "/v1/events", ...page } };
  }

  private expand(o: StripeObject, expand: string[]): StripeObject {
    const out = structuredClone(o);
    for (const e of expand) {
      const field = e.replace(/^data\./, "");
      const id = out[field];
      if (typeof id !== "string") continue;
      const target = Object.values(this.objects)
        .flat()
        .find((x) => x.id === id);
      if (target) out[field] = structuredClone(target);
    }
    return out;
  }
}

/** Newest first, `created[...]` bounds, `starting_after`, `limit`, `has_more`. */
function listPage<T extends { id: string; created: number }>(
  all: T[],
  q: URLSearchParams,
  limit: number,
  noun: string,
): { error: FakeResponse } | { has_more: boolean; data: T[] } {
  let rows = [...all].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const bound = (op: string) => (q.has(`created[${op}]`) ? Number(q.get(`created[${op}]`)) : undefined);
  const [gte, gt, lte, lt] = ["gte", "gt", "lte", "lt"].map(bound);
  rows = rows.filter(
    (o) =>
      (gte === undefined || o.created >= gte) &&
      (gt === undefined || o.created > gt) &&
      (lte === undefined || o.created <= lte) &&
      (lt === undefined || o.created < lt),
  );
  const after = q.get("starting_after");
  if (after) {
    const at = rows.findIndex((o) => o.id === after);
    if (at < 0)
      return { error: stripeError(400, "invalid_request_error", `No such ${noun}: '${after}'`, "starting_after") };
    rows = rows.slice(at + 1);
  }
  return { has_more: rows.length > limit, data: rows.slice(0, limit) };
}

function stripeError(status: number, type: string, message: string, param?: string): FakeResponse {
  return {
    status,
    headers: { "request-id": `req_${Math.random().toString(36).slice(2, 12)}` },
    body: { error: { type, message, ...(param ? { param } : {}) } },
  };
}
