/**
 * Billing objects in the current API's shape (resources.subscription, subscription_item, invoice,
 * line_item, invoiceitem, charge, refund, invoice_payment of stripe-fixtures3.json). The traps a
 * model must handle are the real ones: the full price nested in each item, periods on items (not on
 * the subscription, since basil), discounts as ids, an invoice's subscription only under
 * `parent.subscription_details`, a line's subscription item under `parent.subscription_item_details`.
 */
import type { StripeObject } from "./list.ts";
import { planOf } from "./shapes.ts";

export function subscriptionShape(
  id: string,
  created: number,
  f: { customer: string; currency: string; items: StripeObject[]; status: string },
): StripeObject {
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: created,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: "charge_automatically",
    created,
    currency: f.currency,
    customer: f.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: itemList(id, f.items),
    latest_invoice: null,
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
    start_date: created,
    status: f.status,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: null,
  };
}

export function itemList(subscription: string, items: StripeObject[]): Record<string, unknown> {
  return {
    object: "list",
    data: items,
    has_more: false,
    total_count: items.length,
    url: `/v1/subscription_items?subscription=${subscription}`,
  };
}

/** A subscription item: the whole price (and its legacy plan twin); metered items carry no quantity. */
export function itemShape(
  id: string,
  created: number,
  f: { subscription: string; price: StripeObject; quantity: number; periodStart: number; periodEnd: number },
): StripeObject {
  const metered = (f.price.recurring as { usage_type: string }).usage_type === "metered";
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
    price: structuredClone(f.price),
    ...(metered ? {} : { quantity: f.quantity }),
    subscription: f.subscription,
    tax_rates: [],
  };
}

export interface InvoiceFields {
  customer: StripeObject;
  currency: string;
  billingReason: string;
  subscription: string | null;
  periodStart: number;
  periodEnd: number;
}

/** An invoice as created (draft, no lines yet). `invoicing.ts` adds lines and computes the totals. */
export function invoiceShape(id: string, created: number, f: InvoiceFields): StripeObject {
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Fake Stripe Test Account",
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: f.billingReason,
    collection_method: "charge_automatically",
    created,
    currency: f.currency,
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
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: f.subscription
      ? {
          quote_details: null,
          subscription_details: { metadata: {}, subscription: f.subscription },
          type: "subscription_details",
        }
      : null,
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
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: created,
  };
}

export interface LineFields {
  invoice: string;
  currency: string;
  amount: number;
  description: string;
  price: StripeObject;
  quantity: number;
  period: { start: number; end: number };
  subscription: string | null;
  subscriptionItem: string | null;
  /** set for a line that comes from an invoice item (prorations, one-off charges) */
  invoiceItem?: string;
  proration?: boolean;
  credited?: { invoice: string; invoice_line_items: string[] } | null;
}

/** resources.line_item: the price under `pricing.price_details`, the origin under `parent`. */
export function lineShape(id: string, f: LineFields): Record<string, unknown> {
  const proration = f.proration ?? false;
  const details = {
    invoice_item: f.invoiceItem ?? null,
    proration,
    proration_details: { credited_items: f.credited ?? null },
    subscription: f.subscription,
  };
  const parent =
    f.subscriptionItem !== null
      ? {
          invoice_item_details: null,
          subscription_item_details: { ...details, subscription_item: f.subscriptionItem },
          type: "subscription_item_details",
        }
      : {
          invoice_item_details: { ...details, invoice_item: f.invoiceItem! },
          subscription_item_details: null,
          type: "invoice_item_details",
        };
  return {
    id,
    object: "line_item",
    amount: f.amount,
    currency: f.currency,
    description: f.description,
    discount_amounts: [],
    // "Always false for prorations" (Stripe's docs of `discountable`)
    discountable: !proration,
    discounts: [],
    invoice: f.invoice,
    livemode: false,
    metadata: {},
    parent,
    period: f.period,
    pretax_credit_amounts: [],
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

/** resources.invoiceitem: a pending proration waits here until the next invoice takes it. */
export function invoiceItemShape(
  id: string,
  date: number,
  f: {
    customer: string;
    currency: string;
    amount: number;
    description: string;
    price: StripeObject;
    quantity: number;
    period: { start: number; end: number };
    subscription: string;
    subscriptionItem: string;
  },
): Record<string, unknown> {
  return {
    id,
    object: "invoiceitem",
    amount: f.amount,
    currency: f.currency,
    customer: f.customer,
    customer_account: null,
    date,
    description: f.description,
    discountable: false,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: {},
    net_amount: f.amount,
    parent: {
      subscription_details: { subscription: f.subscription, subscription_item: f.subscriptionItem },
      type: "subscription_details",
    },
    period: f.period,
    pricing: {
      price_details: { price: f.price.id, product: f.price.product },
      type: "price_details",
      unit_amount_decimal: String(f.price.unit_amount),
    },
    proration: true,
    quantity: f.quantity,
    quantity_decimal: String(f.quantity),
    tax_rates: [],
    test_clock: null,
  };
}
