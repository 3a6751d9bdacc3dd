/**
 * The demo company's billing objects in the shapes Stripe returns them at the API version the Stripe
 * connector asks for (connectors/stripe/columns.ts): the field names, nesting and nulls of Stripe's
 * resources (customer, product, price, coupon, discount, subscription with items, invoice with lines,
 * charge, refund, event). Timestamps are unix seconds, amounts integer cents.
 */
import type { RawRecord } from "../../../engine/ingest/connector.ts";
import type { Plan, Tier } from "../company.ts";

export type Obj = Record<string, unknown>;

export const sec = (ms: number): number => Math.floor(ms / 1000);

export function customerShape(
  id: string,
  created: number,
  f: {
    name: string;
    email: string;
    country: string | null;
    prefix: string;
    currency: string | null;
    delinquent: boolean;
    metadata: Obj;
  },
): RawRecord {
  return {
    id,
    object: "customer",
    address:
      f.country === null
        ? null
        : { city: null, country: f.country, line1: null, line2: null, postal_code: null, state: null },
    balance: 0,
    created,
    currency: f.currency,
    customer_account: null,
    default_source: null,
    delinquent: f.delinquent,
    description: null,
    discount: null,
    email: f.email,
    invoice_prefix: f.prefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: f.metadata,
    name: f.name,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export const productId = (tier: Tier): string => `prod_${tier}`;
export const priceId = (plan: Plan): string => `price_${plan.id.slice(5)}`;

export function productShape(tier: Tier, name: string, created: number): RawRecord {
  return {
    id: productId(tier),
    object: "product",
    active: true,
    created,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: "service",
    unit_label: "seat",
    updated: created,
    url: null,
  };
}

export function priceShape(plan: Plan, created: number): RawRecord {
  const id = priceId(plan);
  return {
    id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: plan.id.slice(5),
    metadata: {},
    nickname: plan.name,
    product: productId(plan.tier),
    recurring: {
      interval: plan.interval,
      interval_count: 1,
      meter: null,
      trial_period_days: null,
      usage_type: "licensed",
    },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: plan.priceCents,
    unit_amount_decimal: String(plan.priceCents),
  };
}

/** The legacy `plan` Stripe still nests beside `price` in every subscription item. */
function planOf(price: RawRecord): Obj {
  const r = price.recurring as { interval: string; interval_count: number };
  return {
    id: price.id,
    object: "plan",
    active: true,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: "per_unit",
    created: price.created,
    currency: price.currency,
    interval: r.interval,
    interval_count: r.interval_count,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: "licensed",
  };
}

export interface Coupon {
  id: string;
  name: string;
  percentOff: number;
  duration: "forever" | "repeating";
  months: number | null;
}

export function couponShape(c: Coupon, created: number, redeemed: number): RawRecord {
  return {
    id: c.id,
    object: "coupon",
    amount_off: null,
    applies_to: null,
    created,
    currency: null,
    duration: c.duration,
    duration_in_months: c.months,
    livemode: false,
    max_redemptions: null,
    metadata: {},
    name: c.name,
    percent_off: c.percentOff,
    redeem_by: null,
    times_redeemed: redeemed,
    valid: true,
  };
}

/** resources.discount: the coupon under `source.coupon`; `end` only for a repeating coupon. */
export function discountShape(
  id: string,
  f: { coupon: string; customer: string; subscription: string; start: number; end: number | null },
): Obj {
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

export function itemShape(
  id: string,
  created: number,
  f: { subscription: string; price: RawRecord; quantity: number; periodStart: number; periodEnd: number },
): Obj {
  return {
    id,
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: f.periodEnd,
    current_period_start: f.periodStart,
    discounts: [],
    metadata: {},
    plan: planOf(f.price),
    price: f.price,
    quantity: f.quantity,
    subscription: f.subscription,
    tax_rates: [],
  };
}

export interface SubscriptionFields {
  customer: string;
  status: string;
  item: Obj;
  created: number;
  anchor: number;
  trialStart: number | null;
  trialEnd: number | null;
  canceledAt: number | null;
  endedAt: number | null;
  reason: string | null;
  feedback: string | null;
  comment: string | null;
  /** expanded discount objects, or their ids (events never expand) */
  discounts: unknown[];
  latestInvoice: string | null;
}

export function subscriptionShape(id: string, f: SubscriptionFields): RawRecord {
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: f.anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: f.canceledAt,
    cancellation_details: { comment: f.comment, feedback: f.feedback, reason: f.reason },
    collection_method: "charge_automatically",
    created: f.created,
    currency: "usd",
    customer: f.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: f.discounts,
    ended_at: f.endedAt,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: {
      object: "list",
      data: [f.item],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: f.latestInvoice,
    livemode: false,
    managed_payments: null,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: f.created,
    status: f.status,
    test_clock: null,
    transfer_data: null,
    trial_end: f.trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: f.trialStart,
  };
}

export interface LineFields {
  invoice: string;
  subscription: string;
  item: string;
  price: RawRecord;
  quantity: number;
  amount: number;
  description: string;
  period: { start: number; end: number };
  proration: boolean;
  credited: { invoice: string; invoice_line_items: string[] } | null;
  discountAmounts: { amount: number; discount: string }[];
}

/** resources.line_item: the price under `pricing.price_details`, the subscription item under `parent`. */
export function lineShape(id: string, f: LineFields): Obj {
  return {
    id,
    object: "line_item",
    amount: f.amount,
    currency: "usd",
    description: f.description,
    discount_amounts: f.discountAmounts,
    discountable: !f.proration,
    discounts: f.discountAmounts.map((d) => d.discount),
    invoice: f.invoice,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: f.proration,
        proration_details: { credited_items: f.credited },
        subscription: f.subscription,
        subscription_item: f.item,
      },
      type: "subscription_item_details",
    },
    period: f.period,
    pretax_credit_amounts: f.discountAmounts.map((d) => ({ ...d, type: "discount" })),
    pricing: {
      price_details: { price: f.price.id, product: f.price.product },
      type: "price_details",
      unit_amount_decimal: String(f.price.unit_amount),
    },
    quantity: f.quantity,
    quantity_decimal: String(f.quantity),
    subscription: f.subscription,
    subtotal: f.amount,
    taxes: [],
  };
}

export interface InvoiceFields {
  customer: { id: string; email: string; name: string };
  subscription: string;
  number: string;
  billingReason: string;
  periodStart: number;
  periodEnd: number;
  lines: Obj[];
  /** expanded discount objects applied to this invoice */
  discounts: Obj[];
  status: "open" | "paid" | "uncollectible";
  attempts: number;
  paidAt: number | null;
  uncollectibleAt: number | null;
  nextAttempt: number | null;
}

export function invoiceShape(id: string, created: number, f: InvoiceFields): RawRecord {
  const subtotal = f.lines.reduce((s, l) => s + (l.amount as number), 0);
  const discounted = f.lines.reduce(
    (s, l) => s + (l.discount_amounts as { amount: number }[]).reduce((t, d) => t + d.amount, 0),
    0,
  );
  const total = subtotal - discounted;
  const due = Math.max(total, 0);
  const paid = f.status === "paid" ? due : 0;
  const byDiscount = new Map<string, number>();
  for (const l of f.lines)
    for (const d of l.discount_amounts as { amount: number; discount: string }[])
      byDiscount.set(d.discount, (byDiscount.get(d.discount) ?? 0) + d.amount);
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Acme Analytics",
    account_tax_ids: null,
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: paid,
    amount_remaining: f.status === "open" ? due : 0,
    amount_shipping: 0,
    application: null,
    attempt_count: f.attempts,
    attempted: f.attempts > 0,
    auto_advance: f.status === "open",
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: f.billingReason,
    collection_method: "charge_automatically",
    created,
    currency: "usd",
    custom_fields: null,
    customer: f.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: f.customer.email,
    customer_name: f.customer.name,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: f.discounts,
    due_date: null,
    effective_at: created,
    ending_balance: total < 0 ? total : 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: "list",
      data: f.lines,
      has_more: false,
      total_count: f.lines.length,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: f.nextAttempt,
    number: f.number,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: {}, subscription: f.subscription },
      type: "subscription_details",
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: f.periodEnd,
    period_start: f.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: f.status,
    status_transitions: {
      finalized_at: created,
      marked_uncollectible_at: f.uncollectibleAt,
      paid_at: f.paidAt,
      voided_at: null,
    },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: null,
    total,
    total_discount_amounts: [...byDiscount].map(([discount, amount]) => ({ amount, discount })),
    total_excluding_tax: total,
    total_pretax_credit_amounts: [...byDiscount].map(([discount, amount]) => ({ amount, discount, type: "discount" })),
    total_taxes: [],
    webhooks_delivered_at: created,
  };
}

const CARD = {
  brand: "visa",
  checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
  country: "US",
  exp_month: 8,
  exp_year: 2030,
  funding: "credit",
  last4: "4242",
  network: "visa",
  wallet: null,
};

const FAILURE_MESSAGES: Record<string, string> = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
};

export function chargeShape(
  id: string,
  created: number,
  f: {
    customer: { id: string; email: string; name: string };
    amount: number;
    paymentIntent: string;
    description: string;
    failureCode: string | null;
    refunded: number;
  },
): RawRecord {
  const ok = f.failureCode === null;
  return {
    id,
    object: "charge",
    amount: f.amount,
    amount_captured: ok ? f.amount : 0,
    amount_refunded: f.refunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: ok ? `txn_${id.slice(3)}` : null,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: f.customer.email,
      name: f.customer.name,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "ACME ANALYTICS",
    captured: ok,
    created,
    currency: "usd",
    customer: f.customer.id,
    description: f.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: f.failureCode,
    failure_message: ok ? null : (FAILURE_MESSAGES[f.failureCode!] ?? "Your card was declined."),
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: ok
      ? { network_status: "approved_by_network", reason: null, risk_level: "normal", type: "authorized" }
      : { network_status: "declined_by_network", reason: f.failureCode, risk_level: "normal", type: "issuer_declined" },
    paid: ok,
    payment_intent: f.paymentIntent,
    payment_method: `pm_${f.customer.id.slice(4)}`,
    payment_method_details: { card: CARD, type: "card" },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: f.refunded > 0 && f.refunded >= f.amount,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: ok ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  };
}

export function refundShape(
  id: string,
  created: number,
  f: { charge: RawRecord; amount: number; reason: string },
): RawRecord {
  return {
    id,
    object: "refund",
    amount: f.amount,
    balance_transaction: `txn_${id.slice(3)}`,
    charge: f.charge.id,
    created,
    currency: "usd",
    customer: f.charge.customer,
    customer_account: null,
    destination_details: { card: { reference: null, reference_status: "pending", type: "refund" }, type: "card" },
    metadata: {},
    payment_intent: f.charge.payment_intent,
    payment_method: f.charge.payment_method,
    reason: f.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
}

export function eventShape(id: string, created: number, type: string, object: Obj, previous: Obj | null): RawRecord {
  return {
    id,
    object: "event",
    api_version: "2026-07-29.dahlia",
    created,
    data: previous ? { object, previous_attributes: previous } : { object },
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type,
  };
}
