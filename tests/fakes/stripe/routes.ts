/**
 * The GET endpoints of the fake: lists, retrieves, an invoice's lines, subscription items, events.
 * Read-only: objects change through FakeStripe's methods and the account builder, never over HTTP.
 */
import type { FakeResponse, RecordedRequest } from "../faults.ts";
import type { FakeStripe } from "../stripe.ts";
import { expandObject } from "./expand.ts";
import {
  checkParams,
  invalid,
  listPage,
  readLimit,
  stripeError,
  StripeRequestError,
  type StripeObject,
} from "./list.ts";

export const EVENT_RETENTION_S = 30 * 86_400;

/** List endpoints that exist on every account, holding objects or not. */
const ALWAYS_LISTED = [
  "customers",
  "products",
  "prices",
  "coupons",
  "subscriptions",
  "invoices",
  "charges",
  "refunds",
  "invoice_payments",
];

const SUBSCRIPTION_STATUSES = [
  "active",
  "past_due",
  "unpaid",
  "canceled",
  "incomplete",
  "incomplete_expired",
  "trialing",
  "paused",
  "all",
  "ended",
];

/** Retrieving these after deletion answers `{id, object, deleted: true}` (resources.deleted_customer); others are 404. */
const DELETED_STUB = new Set(["customers"]);

export function route(fake: FakeStripe, req: RecordedRequest): FakeResponse {
  if (req.method !== "GET") return unrecognized(req);
  const parts = req.path.split("/").filter(Boolean);
  if (parts[0] !== "v1" || parts.length < 2 || parts.length > 4) return unrecognized(req);
  const [, resource, id, sub] = parts as [string, string, string?, string?];
  try {
    if (resource === "events") return id ? retrieveEvent(fake, id) : listEvents(fake, req.query);
    if (resource === "invoices" && id && sub === "lines") return invoiceLines(fake, id, req.query);
    if (sub !== undefined) return unrecognized(req);
    if (resource === "subscription_items" && !id) return subscriptionItems(fake, req.query);
    if (!ALWAYS_LISTED.includes(resource) && !fake.objects[resource]) return unrecognized(req);
    return id ? retrieve(fake, resource, id, req.query) : list(fake, resource, req.query);
  } catch (e) {
    if (e instanceof StripeRequestError) return e.response;
    throw e;
  }
}

function unrecognized(req: RecordedRequest): FakeResponse {
  return stripeError(
    404,
    "invalid_request_error",
    `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

function list(fake: FakeStripe, resource: string, q: URLSearchParams): FakeResponse {
  checkParams(resource, q);
  const rows = (fake.objects[resource] ?? []).filter(filterFor(resource, q));
  const page = listPage(rows, q, noun(resource));
  const expand = q.getAll("expand[]");
  const data = expand.length ? page.data.map((o) => expandObject(o, expand, fake.resolve, true)) : page.data;
  return { body: { object: "list", data: data.map(truncated), has_more: page.has_more, url: `/v1/${resource}` } };
}

/** The documented filters, each compared the way Stripe does (a subscription's price is on its items). */
function filterFor(resource: string, q: URLSearchParams): (o: StripeObject) => boolean {
  const tests: ((o: StripeObject) => boolean)[] = [];
  for (const [key, value] of q.entries()) {
    if (key === "status" && resource === "subscriptions") tests.push(subscriptionStatus(value));
    else if (key === "price" && resource === "subscriptions")
      tests.push((o) => items(o).some((i) => (i.price as StripeObject).id === value));
    else if (key === "subscription" && resource === "invoices")
      tests.push((o) => (o.parent as any)?.subscription_details?.subscription === value);
    else if (key === "recurring[interval]" || key === "recurring[usage_type]")
      tests.push((o) => (o.recurring as any)?.[key.slice(10, -1)] === value);
    else if (key === "ids[]") tests.push((o) => q.getAll("ids[]").includes(o.id));
    else if (key === "lookup_keys[]") tests.push((o) => q.getAll("lookup_keys[]").includes(String(o.lookup_key)));
    else if (key === "active") tests.push((o) => String(o.active) === value);
    else if (
      key !== "expand[]" &&
      !key.startsWith("created") &&
      !["limit", "starting_after", "ending_before"].includes(key)
    )
      tests.push((o) => String(o[key]) === value);
  }
  // without `status`, Stripe lists every subscription that has not been canceled
  if (resource === "subscriptions" && !q.has("status")) tests.push((o) => o.status !== "canceled");
  return (o) => tests.every((t) => t(o));
}

function subscriptionStatus(value: string): (o: StripeObject) => boolean {
  if (!SUBSCRIPTION_STATUSES.includes(value))
    invalid(`Invalid status: must be one of ${SUBSCRIPTION_STATUSES.join(", ")}`, "status", "parameter_invalid_empty");
  if (value === "all") return () => true;
  if (value === "ended") return (o) => o.status === "canceled" || o.status === "incomplete_expired";
  return (o) => o.status === value;
}

const items = (sub: StripeObject): StripeObject[] => (sub.items as { data?: StripeObject[] })?.data ?? [];

function retrieve(fake: FakeStripe, resource: string, id: string, q: URLSearchParams): FakeResponse {
  for (const key of q.keys())
    if (key !== "expand[]") invalid(`Received unknown parameter: ${key}`, key, "parameter_unknown");
  const found = fake.objects[resource]?.find((o) => o.id === id);
  if (found) return { body: truncated(expandObject(found, q.getAll("expand[]"), fake.resolve, false)) };
  if (fake.deleted.get(id) === resource && DELETED_STUB.has(resource))
    return { body: { id, object: noun(resource), deleted: true } };
  return missing(noun(resource), id);
}

function missing(noun: string, id: string): FakeResponse {
  return stripeError(404, "invalid_request_error", `No such ${noun}: '${id}'`, "id", "resource_missing");
}

function invoiceLines(fake: FakeStripe, id: string, q: URLSearchParams): FakeResponse {
  const invoice = fake.objects.invoices?.find((o) => o.id === id);
  if (!invoice) return missing("invoice", id);
  checkParams("invoice_lines", q);
  const all = (invoice.lines as { data: Record<string, unknown>[] }).data;
  return { body: { object: "list", url: `/v1/invoices/${id}/lines`, ...inOrder(all, q, "line_item") } };
}

function subscriptionItems(fake: FakeStripe, q: URLSearchParams): FakeResponse {
  checkParams("subscription_items", q);
  const subId = q.get("subscription");
  if (!subId) invalid("Missing required param: subscription.", "subscription", "parameter_missing");
  const sub = fake.objects.subscriptions?.find((o) => o.id === subId);
  if (!sub) return missing("subscription", subId!);
  return { body: { object: "list", url: "/v1/subscription_items", ...inOrder(items(sub), q, "subscription_item") } };
}

/** Sub-lists (an invoice's lines, a subscription's items) page in their own order, not by `created`. */
function inOrder(
  all: Record<string, unknown>[],
  q: URLSearchParams,
  noun: string,
): { has_more: boolean; data: Record<string, unknown>[] } {
  const limit = readLimit(q);
  let from = 0;
  const after = q.get("starting_after");
  if (after) {
    from = all.findIndex((o) => o.id === after) + 1;
    if (from === 0) invalid(`No such ${noun}: '${after}'`, "starting_after", "resource_missing");
  }
  return { has_more: all.length > from + limit, data: all.slice(from, from + limit) };
}

function listEvents(fake: FakeStripe, q: URLSearchParams): FakeResponse {
  checkParams("events", q);
  const types = q.getAll("types[]");
  if (types.length && q.has("type"))
    return stripeError(400, "invalid_request_error", "You may pass either `type` or `types`, but not both.", "types");
  if (types.length > 20)
    return stripeError(400, "invalid_request_error", "You may pass at most 20 values for `types`.", "types");
  const patterns = (q.has("type") ? [q.get("type")!] : types).map(
    (t) => new RegExp(`^${t.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`),
  );
  const oldest = fake.now() - EVENT_RETENTION_S;
  const rows = fake.events.filter(
    (e) => e.created >= oldest && (!patterns.length || patterns.some((p) => p.test(e.type))),
  );
  const page = listPage(rows, q, "event");
  const data = page.data.map((e) => ({ ...e, data: { ...e.data, object: truncated(e.data.object) } }));
  return { body: { object: "list", url: "/v1/events", has_more: page.has_more, data } };
}

function retrieveEvent(fake: FakeStripe, id: string): FakeResponse {
  const e = fake.events.find((x) => x.id === id);
  if (!e || e.created < fake.now() - EVENT_RETENTION_S) return missing("event", id);
  return { body: { ...e, data: { ...e.data, object: truncated(e.data.object) } } };
}

function noun(resource: string): string {
  return resource.replace(/ies$/, "y").replace(/s$/, "");
}

/** How many entries of an embedded list (an invoice's lines, a subscription's items) Stripe includes. */
export const EMBEDDED_LIST_LIMIT = 10;

/**
 * An invoice's `lines` and a subscription's `items` come embedded with their first 10 entries and
 * `has_more`; the rest is read from `/v1/invoices/:id/lines` and `/v1/subscription_items`.
 */
function truncated<T extends Record<string, unknown>>(o: T): T {
  const field = o.object === "invoice" ? "lines" : o.object === "subscription" ? "items" : undefined;
  const list = field && (o[field] as { data?: unknown[]; has_more?: boolean } | undefined);
  if (!field || !list?.data || list.data.length <= EMBEDDED_LIST_LIMIT) return o;
  return { ...o, [field]: { ...list, data: list.data.slice(0, EMBEDDED_LIST_LIMIT), has_more: true } };
}
