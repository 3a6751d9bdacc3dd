/** Which Stripe events carry a list endpoint's objects, and the `object` those events hold. */
export interface StreamEvents {
  types: string[];
  object: string;
}

const KNOWN: Record<string, StreamEvents> = {
  customers: { types: ["customer.*"], object: "customer" },
  subscriptions: { types: ["customer.subscription.*"], object: "subscription" },
  invoices: { types: ["invoice.*"], object: "invoice" },
  charges: { types: ["charge.*"], object: "charge" },
  disputes: { types: ["charge.dispute.*"], object: "dispute" },
  early_fraud_warnings: { types: ["radar.early_fraud_warning.*"], object: "radar.early_fraud_warning" },
};

/** List endpoints Stripe sends no events for: they stay on `created` + lookback. */
const NONE = new Set([
  "balance_transactions",
  "events",
  "subscription_items",
  "exchange_rates",
  "country_specs",
  "files",
  "file_links",
]);

/**
 * Event types for a stream: the config override if given, else the table, else `<singular>.*`
 * (payment_intents → payment_intent.*), which is how Stripe names most of its events.
 * An empty list means the stream catches updates through lookback only.
 */
export function stripeEventsFor(stream: string, override?: string[]): StreamEvents {
  const object = KNOWN[stream]?.object ?? singular(stream);
  if (override) return { types: override, object };
  if (NONE.has(stream)) return { types: [], object };
  return KNOWN[stream] ?? { types: [`${object}.*`], object };
}

function singular(name: string): string {
  return name.replace(/ies$/, "y").replace(/s$/, "");
}

/** Stripe documents `*` wildcards for `type`; `types[]` (up to 20) for exact names. None: every type. */
export function typeFilter(types: string[]): Record<string, string | string[]> {
  if (types.length === 0) return {};
  return types.length === 1 ? { type: types[0]! } : { "types[]": types };
}
