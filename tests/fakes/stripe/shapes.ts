/**
 * Catalog objects in the shape the current Stripe API returns them (2026-07-29.dahlia): the field
 * names, nesting and nulls of `resources.<name>` in ../shared/reference/stripe-fixtures3.json
 * (stripe/openapi fixtures3.json), with the values of a consistent account instead of placeholders.
 * Amounts are integer cents. Optional fields the fixture fills with placeholders are null here, as a
 * real account has them when nobody set them.
 */
import type { StripeObject } from "./list.ts";

export const API_VERSION = "2026-07-29.dahlia";

export type Interval = "day" | "week" | "month" | "year";
export type UsageType = "licensed" | "metered";
export type Duration = "once" | "repeating" | "forever";

/** resources.customer; `currency` stays null until the first subscription or invoice sets it. */
export function customerShape(
  id: string,
  created: number,
  f: { name: string; email: string | null; invoicePrefix: string; metadata?: Record<string, string> },
): StripeObject {
  return {
    id,
    object: "customer",
    address: null,
    balance: 0,
    created,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: f.email,
    invoice_prefix: f.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: f.metadata ?? {},
    name: f.name,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

/** resources.deleted_customer: what retrieving a deleted customer answers. */
export function deletedStub(id: string, object: string): Record<string, unknown> {
  return { id, object, deleted: true };
}

/** resources.product (a service, not a shippable good). */
export function productShape(id: string, created: number, f: { name: string; unitLabel?: string }): StripeObject {
  return {
    id,
    object: "product",
    active: true,
    created,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: f.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: "service",
    unit_label: f.unitLabel ?? null,
    updated: created,
    url: null,
  };
}

export interface PriceFields {
  product: string;
  currency: string;
  unitAmount: number;
  /** absent for a one-time price (a setup fee on a manual invoice) */
  interval?: Interval;
  intervalCount?: number;
  usageType?: UsageType;
  nickname?: string;
  lookupKey?: string;
  taxBehavior?: "exclusive" | "inclusive" | "unspecified";
}

/** resources.price. A metered price points at a billing meter (required since basil). */
export function priceShape(id: string, created: number, f: PriceFields): StripeObject {
  const usage = f.usageType ?? "licensed";
  const recurring = f.interval
    ? {
        interval: f.interval,
        interval_count: f.intervalCount ?? 1,
        meter: usage === "metered" ? `mtr_${id.slice(6)}` : null,
        trial_period_days: null,
        usage_type: usage,
      }
    : null;
  return {
    id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created,
    currency: f.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: f.lookupKey ?? null,
    metadata: {},
    nickname: f.nickname ?? null,
    product: f.product,
    recurring,
    tax_behavior: f.taxBehavior ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: f.unitAmount,
    unit_amount_decimal: String(f.unitAmount),
  };
}

/** The legacy `plan` Stripe still nests beside `price` in every subscription item (resources.plan). */
export function planOf(price: StripeObject): StripeObject {
  const r = price.recurring as { interval: string; interval_count: number; meter: string | null; usage_type: string };
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: r.interval,
    interval_count: r.interval_count,
    livemode: false,
    metadata: {},
    meter: r.meter,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: r.usage_type,
  };
}

export interface CouponFields {
  name: string;
  duration: Duration;
  durationInMonths?: number;
  percentOff?: number;
  amountOff?: number;
  currency?: string;
}

/** resources.coupon: percent_off, or amount_off with its currency; duration_in_months only when repeating. */
export function couponShape(id: string, created: number, f: CouponFields): StripeObject {
  return {
    id,
    object: "coupon",
    amount_off: f.amountOff ?? null,
    created,
    currency: f.amountOff === undefined ? null : (f.currency ?? "usd"),
    duration: f.duration,
    duration_in_months: f.duration === "repeating" ? (f.durationInMonths ?? null) : null,
    livemode: false,
    max_redemptions: null,
    metadata: {},
    name: f.name,
    percent_off: f.percentOff ?? null,
    redeem_by: null,
    times_redeemed: 0,
    valid: true,
  };
}

/**
 * resources.discount: since 2025-09-30.clover the coupon is `source.coupon`, an id that is not
 * auto-expanded (`expand[]=data.discounts.source.coupon`). `end` is set only for repeating coupons.
 */
export function discountShape(
  id: string,
  f: { coupon: string; customer: string; subscription: string; start: number; end: number | null },
): Record<string, unknown> {
  return {
    id,
    object: "discount",
    checkout_session: null,
    customer: f.customer,
    customer_account: null,
    end: f.end,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: f.coupon, type: "coupon" },
    start: f.start,
    subscription: f.subscription,
    subscription_item: null,
  };
}

/** resources.tax_rate: an exclusive sales tax, applied on top of the discounted amount. */
export function taxRateShape(
  id: string,
  created: number,
  f: { percentage: number; displayName: string; state?: string },
): StripeObject {
  return {
    id,
    object: "tax_rate",
    active: true,
    country: "US",
    created,
    description: null,
    display_name: f.displayName,
    effective_percentage: f.percentage,
    flat_amount: null,
    inclusive: false,
    jurisdiction: f.state ?? null,
    jurisdiction_level: f.state ? "state" : null,
    livemode: false,
    metadata: {},
    percentage: f.percentage,
    rate_type: "percentage",
    state: f.state ?? null,
    tax_type: "sales_tax",
  };
}
