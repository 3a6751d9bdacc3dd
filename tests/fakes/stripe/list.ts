import type { FakeResponse } from "../faults.ts";

/** What a list, retrieve or event answer is made of: every Stripe object has these. */
export type StripeObject = { id: string; object: string; created: number; [k: string]: unknown };

/**
 * Stripe's error envelope: `{error: {type, code?, message, param?}}` with a `request-id` header.
 * 401 for a bad key, 400 `invalid_request_error` for bad parameters, 404 `resource_missing`.
 */
export function stripeError(
  status: number,
  type: string,
  message: string,
  param?: string,
  code?: string,
): FakeResponse {
  const error: Record<string, string> = { type, message };
  if (code) error.code = code;
  if (param) error.param = param;
  if (code) error.doc_url = `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;
  return { status, headers: { "request-id": `req_${Math.random().toString(36).slice(2, 12)}` }, body: { error } };
}

export class StripeRequestError extends Error {
  constructor(readonly response: FakeResponse) {
    super(JSON.stringify(response.body));
  }
}

export const invalid = (message: string, param?: string, code = "parameter_invalid_integer"): never => {
  throw new StripeRequestError(stripeError(400, "invalid_request_error", message, param, code));
};

/** Parameters every list endpoint takes (created filters, cursors, limit, expansions). */
const COMMON = [
  "limit",
  "starting_after",
  "ending_before",
  "expand[]",
  "created",
  "created[gte]",
  "created[gt]",
  "created[lte]",
  "created[lt]",
];

/**
 * Filters each list endpoint documents (a subset: the ones a billing model needs). Anything else is
 * Stripe's "Received unknown parameter" 400, so a connector that sends a typo fails here as it would
 * against Stripe. Resources not in the table (seeded with `add()` under any name) take the common ones.
 */
export const LIST_FILTERS: Record<string, string[]> = {
  customers: ["email", "test_clock"],
  products: ["active", "shippable", "type", "url", "ids[]"],
  prices: ["active", "currency", "product", "type", "lookup_keys[]", "recurring[interval]", "recurring[usage_type]"],
  coupons: [],
  subscriptions: ["customer", "price", "status", "collection_method", "test_clock"],
  subscription_items: ["subscription"],
  invoices: ["customer", "status", "subscription", "collection_method"],
  invoiceitems: ["customer", "invoice", "pending"],
  invoice_payments: ["invoice", "status"],
  charges: ["customer", "payment_intent", "transfer_group"],
  refunds: ["charge", "payment_intent"],
  events: ["type", "types[]", "delivery_success"],
};

export function checkParams(resource: string, q: URLSearchParams): void {
  const allowed = new Set([...COMMON, ...(LIST_FILTERS[resource] ?? [])]);
  for (const key of q.keys()) {
    if (!allowed.has(key)) invalid(`Received unknown parameter: ${key}`, key, "parameter_unknown");
  }
  if (q.has("starting_after") && q.has("ending_before")) {
    invalid(
      "You may only specify one of these parameters: ending_before, starting_after.",
      "ending_before",
      "parameter_invalid_empty",
    );
  }
}

export function readLimit(q: URLSearchParams): number {
  const raw = q.get("limit") ?? "10";
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > 100)
    invalid("Invalid integer: limit must be between 1 and 100", "limit");
  return limit;
}

/** `created=N` or `created[gte|gt|lte|lt]=N`, each an integer of unix seconds. */
function createdFilter(q: URLSearchParams): (created: number) => boolean {
  const bound = (key: string): number | undefined => {
    const raw = q.get(key);
    if (raw === null) return undefined;
    if (!/^\d+$/.test(raw)) invalid(`Invalid integer: ${raw}`, key);
    return Number(raw);
  };
  const [eq, gte, gt, lte, lt] = ["created", "created[gte]", "created[gt]", "created[lte]", "created[lt]"].map(bound);
  return (c) =>
    (eq === undefined || c === eq) &&
    (gte === undefined || c >= gte) &&
    (gt === undefined || c > gt) &&
    (lte === undefined || c <= lte) &&
    (lt === undefined || c < lt);
}

export interface Page<T> {
  has_more: boolean;
  data: T[];
}

/**
 * One page of a Stripe list: newest first (ties by id, so order is total), `created` bounds, then
 * either `starting_after` (the page after that object) or `ending_before` (the `limit` objects just
 * before it, still newest first). An unknown cursor id is a 400 naming the object, as Stripe does.
 */
export function listPage<T extends { id: string; created: number }>(
  all: T[],
  q: URLSearchParams,
  noun: string,
): Page<T> {
  const limit = readLimit(q);
  const keep = createdFilter(q);
  const rows = all
    .filter((o) => keep(o.created))
    .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const cursor = (key: string): number => {
    const id = q.get(key)!;
    const at = rows.findIndex((o) => o.id === id);
    if (at < 0) invalid(`No such ${noun}: '${id}'`, key, "resource_missing");
    return at;
  };
  if (q.has("ending_before")) {
    const at = cursor("ending_before");
    const from = Math.max(0, at - limit);
    return { has_more: from > 0, data: rows.slice(from, at) };
  }
  const from = q.has("starting_after") ? cursor("starting_after") + 1 : 0;
  return { has_more: rows.length > from + limit, data: rows.slice(from, from + limit) };
}
