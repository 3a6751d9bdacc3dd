/**
 * The account builder's working state beside the fake's store: deterministic ids, the clock, and
 * what Stripe keeps but does not show (a subscription's cycle count, pending prorations, metered
 * usage, which cards decline). invoicing.ts and cycle.ts act on it; stripe-account.ts is the API.
 */
import type { FakeStripe } from "../stripe.ts";
import type { StripeObject } from "./list.ts";
import type { Interval } from "./shapes.ts";

export type TrialEnd = "convert" | "cancel" | "pause";
export type Dunning = "past_due" | "unpaid" | "cancel";

export interface SubState {
  /** renewals since the billing cycle anchor (calendar months are counted from the anchor) */
  cycles: number;
  interval: Interval;
  intervalCount: number;
  trialEnd: TrialEnd;
  taxPercent: number;
  taxRate: string | null;
  /** once-coupons already applied to an invoice */
  usedOnce: Set<string>;
  /** pending proration invoice items, taken by the next invoice */
  pending: Record<string, unknown>[];
  /** metered usage per subscription item in the current period */
  usage: Map<string, number>;
}

export class Ledger {
  readonly subs = new Map<string, SubState>();
  readonly declining = new Set<string>();
  /** days after the first failed attempt at which Stripe retries an invoice */
  retryDays = [3, 7];
  /** what happens to a subscription when the last retry fails */
  dunning: Dunning = "past_due";
  /** the PaymentIntent of each invoice's payment attempts, and when its first attempt failed */
  readonly intents = new Map<string, string>();
  readonly firstFailure = new Map<string, number>();
  private rand: () => number;
  private invoiceSeq = new Map<string, number>();

  constructor(
    readonly fake: FakeStripe,
    seed: string,
  ) {
    this.rand = mulberry32(hash(seed));
  }

  get now(): number {
    return this.fake.now();
  }

  set now(t: number) {
    this.fake.eventClock = t;
    this.fake.clock = t;
  }

  /** A Stripe-looking id (`cus_` + 14 base62), the same on every run of the same script. */
  id(prefix: string): string {
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let s = "";
    for (let i = 0; i < 14; i++) s += alphabet[Math.floor(this.rand() * alphabet.length)];
    return `${prefix}_${s}`;
  }

  get(resource: string, id: string): StripeObject {
    const o = this.fake.objects[resource]?.find((x) => x.id === id);
    if (!o) throw new Error(`no ${resource} ${id}`);
    return o;
  }

  sub(id: string): SubState {
    const s = this.subs.get(id);
    if (!s) throw new Error(`no subscription state for ${id}`);
    return s;
  }

  /** The invoice number Stripe prints: the customer's prefix and a per-customer sequence. */
  nextNumber(customer: StripeObject): string {
    const n = (this.invoiceSeq.get(customer.id) ?? 0) + 1;
    this.invoiceSeq.set(customer.id, n);
    customer.next_invoice_sequence = n + 1;
    return `${customer.invoice_prefix}-${String(n).padStart(4, "0")}`;
  }

  hex(n: number): string {
    return Array.from({ length: n }, () => Math.floor(this.rand() * 16).toString(16))
      .join("")
      .toUpperCase();
  }
}

/**
 * The end of the `n`th period after `anchor`. Months are counted from the anchor, so a subscription
 * anchored on the 31st bills on the 30th in April and on the 31st again in May, as Stripe does.
 */
export function periodEnd(anchor: number, interval: Interval, count: number, n: number): number {
  const d = new Date(anchor * 1000);
  if (interval === "day" || interval === "week") return anchor + n * count * (interval === "day" ? 1 : 7) * 86_400;
  const months = n * count * (interval === "year" ? 12 : 1);
  const target = new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

export function unix(when: string | number): number {
  if (typeof when === "number") return when;
  const ms = Date.parse(when);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${when}`);
  return Math.floor(ms / 1000);
}

/** A date as Stripe prints it in line descriptions: "20 Mar 2026". */
export function day(t: number): string {
  const d = new Date(t * 1000);
  return `${d.getUTCDate()} ${d.toLocaleString("en-US", { month: "short", timeZone: "UTC" })} ${d.getUTCFullYear()}`;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function mulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
