/**
 * Invoices as Stripe builds them: lines, subscription discounts, exclusive tax, totals, then
 * finalization (number, customer credit balance), payment (a charge, an invoice_payment) or a
 * failed attempt (retries, past_due), voiding; and refunds. Every change records the event Stripe
 * sends, with `previous_attributes`.
 */
import type { StripeObject } from "./list.ts";
import { invoiceShape, lineShape, type LineFields } from "./billing-shapes.ts";
import { type Ledger } from "./ledger.ts";
import { chargeShape, invoicePaymentShape, refundShape } from "./payment-shapes.ts";

export type LineSpec = Omit<LineFields, "invoice" | "currency" | "subscription">;

export interface InvoiceSpec {
  customer: StripeObject;
  subscription: StripeObject | null;
  reason: string;
  periodStart: number;
  periodEnd: number;
  lines: LineSpec[];
  /** finalize an hour after creation (Stripe's wait before charging a renewal), else stay a draft */
  autoFinalize?: boolean;
}

type Line = Record<string, any>;

/** A draft invoice with its lines, discounts and tax; records `invoice.created`. */
export function createInvoice(L: Ledger, spec: InvoiceSpec): StripeObject {
  const sub = spec.subscription;
  const currency = (sub?.currency as string) ?? (spec.customer.currency as string) ?? "usd";
  const inv = invoiceShape(L.id("in"), L.now, {
    customer: spec.customer,
    currency,
    billingReason: spec.reason,
    subscription: sub?.id ?? null,
    periodStart: spec.periodStart,
    periodEnd: spec.periodEnd,
  });
  const lines: Line[] = spec.lines.map((l) =>
    lineShape(L.id("il"), { ...l, invoice: inv.id, currency, subscription: sub?.id ?? null }),
  );
  if (sub) applyDiscounts(L, sub, inv, lines);
  if (sub) applyTax(L, sub, lines);
  Object.assign(inv.lines as object, { data: lines, total_count: lines.length });
  totals(inv, lines);
  inv.auto_advance = spec.autoFinalize ?? true;
  if (spec.autoFinalize !== false) inv.automatically_finalizes_at = L.now + 3600;
  return L.fake.insert("invoices", inv);
}

/**
 * Subscription-level discounts: percent_off on each discountable line; amount_off spread over the
 * discountable lines pro rata, never below zero. A once-coupon is spent by the first invoice.
 */
function applyDiscounts(L: Ledger, sub: StripeObject, inv: StripeObject, lines: Line[]): void {
  const applied: string[] = [];
  for (const id of sub.discounts as string[]) {
    const discount = L.fake.internal.get(id) as { source: { coupon: string } };
    const coupon = L.get("coupons", discount.source.coupon);
    const base = lines.filter((l) => l.discountable && l.amount > 0);
    const gross = base.reduce((s, l) => s + l.amount - sumOf(l.discount_amounts), 0);
    if (gross <= 0) continue;
    const off =
      coupon.percent_off !== null
        ? (gross * (coupon.percent_off as number)) / 100
        : Math.min(coupon.amount_off as number, gross);
    let left = Math.round(off);
    base.forEach((l, i) => {
      const share = i === base.length - 1 ? left : Math.round((off * (l.amount - sumOf(l.discount_amounts))) / gross);
      left -= share;
      l.discount_amounts.push({ amount: share, discount: id });
      l.pretax_credit_amounts.push({ amount: share, discount: id, type: "discount" });
    });
    applied.push(id);
    if (coupon.duration === "once") L.sub(sub.id).usedOnce.add(id);
  }
  inv.discounts = applied;
}

/** Exclusive tax on the discounted amount of each line (the subscription's default tax rate). */
function applyTax(L: Ledger, sub: StripeObject, lines: Line[]): void {
  const { taxPercent, taxRate } = L.sub(sub.id);
  if (!taxPercent || !taxRate) return;
  for (const l of lines) {
    const taxable = l.amount - sumOf(l.discount_amounts);
    l.taxes = [
      {
        amount: Math.round((taxable * taxPercent) / 100),
        tax_behavior: "exclusive",
        tax_rate_details: { tax_rate: taxRate },
        taxability_reason: "standard_rated",
        taxable_amount: taxable,
        type: "tax_rate_details",
      },
    ];
  }
}

function totals(inv: StripeObject, lines: Line[]): void {
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const byDiscount = new Map<string, number>();
  for (const l of lines)
    for (const d of l.discount_amounts) byDiscount.set(d.discount, (byDiscount.get(d.discount) ?? 0) + d.amount);
  const discount = [...byDiscount.values()].reduce((a, b) => a + b, 0);
  const taxes = lines.flatMap((l) => l.taxes as Line[]);
  const tax = taxes.reduce((s, t) => s + t.amount, 0);
  const total = subtotal - discount + tax;
  Object.assign(inv, {
    subtotal,
    subtotal_excluding_tax: subtotal,
    total_discount_amounts: [...byDiscount].map(([d, amount]) => ({ amount, discount: d })),
    total_pretax_credit_amounts: [...byDiscount].map(([d, amount]) => ({ amount, discount: d, type: "discount" })),
    total_excluding_tax: subtotal - discount,
    total_taxes: taxes.length ? [{ ...taxes[0], amount: tax, taxable_amount: subtotal - discount }] : [],
    total,
    amount_due: Math.max(total, 0),
    amount_remaining: Math.max(total, 0),
  });
}

const sumOf = (xs: { amount: number }[]): number => xs.reduce((s, x) => s + x.amount, 0);

/**
 * Finalize: a number, the customer's credit balance applied (a negative total becomes credit),
 * `invoice.finalized`; then collect (charge) unless told not to (a paused subscription's invoice).
 */
export function finalize(L: Ledger, inv: StripeObject, collect = true): void {
  const customer = L.get("customers", inv.customer as string);
  const starting = customer.balance as number;
  const total = inv.total as number;
  const applied = total < 0 ? 0 : Math.max(starting, -total);
  const ending = total < 0 ? starting + total : starting - applied;
  L.fake.change(
    inv,
    (o) => {
      Object.assign(o, {
        number: L.nextNumber(customer),
        status: "open",
        effective_at: L.now,
        automatically_finalizes_at: null,
        starting_balance: starting,
        ending_balance: ending,
      });
      Object.assign(o, { amount_due: Math.max(total, 0) + applied, amount_remaining: Math.max(total, 0) + applied });
      (o.status_transitions as Record<string, unknown>).finalized_at = L.now;
    },
    "invoice.finalized",
  );
  if (ending !== starting) L.fake.change(customer, (c) => void (c.balance = ending));
  if (!collect) return;
  if ((inv.amount_due as number) === 0) markPaid(L, inv);
  else attempt(L, inv);
}

/** Paid: by a charge (`charged` counts the attempt) or, for nothing due, without one. */
function markPaid(L: Ledger, inv: StripeObject, charged = false): void {
  L.fake.change(
    inv,
    (o) => {
      Object.assign(o, {
        status: "paid",
        amount_paid: o.amount_due,
        amount_remaining: 0,
        attempted: true,
        next_payment_attempt: null,
      });
      if (charged) o.attempt_count = (o.attempt_count as number) + 1;
      (o.status_transitions as Record<string, unknown>).paid_at = L.now;
    },
    "invoice.paid",
  );
  L.fake.emit("invoice.payment_succeeded", inv);
  const customer = L.get("customers", inv.customer as string);
  if (customer.delinquent) L.fake.change(customer, (c) => void (c.delinquent = false));
  // a paid first invoice activates the subscription; a paid retry brings it back from past_due
  const sub = subscriptionOf(L, inv);
  if (sub && ["incomplete", "past_due", "unpaid"].includes(sub.status as string))
    L.fake.change(sub, (s) => void (s.status = "active"));
}

/** One payment attempt: a charge that succeeds or declines (the customer's card), and what follows. */
export function attempt(L: Ledger, inv: StripeObject): void {
  const customer = L.get("customers", inv.customer as string);
  const intent = L.intents.get(inv.id) ?? L.id("pi");
  L.intents.set(inv.id, intent);
  const ok = !L.declining.has(customer.id);
  const description =
    inv.billing_reason === "subscription_create"
      ? "Subscription creation"
      : inv.billing_reason === "manual"
        ? null
        : "Subscription update";
  const charge = chargeShape(L.id("ch"), L.now, {
    customer,
    currency: inv.currency as string,
    amount: inv.amount_due as number,
    paymentIntent: intent,
    paymentMethod: `pm_${customer.id.slice(4)}`,
    description: description ?? "Payment for Invoice",
    succeeded: ok,
    balanceTransaction: L.id("txn"),
  });
  L.fake.insert("charges", charge, ok ? "charge.succeeded" : "charge.failed");
  if (ok) {
    L.fake.insert(
      "invoice_payments",
      invoicePaymentShape(L.id("inpay"), L.now, {
        invoice: inv.id,
        currency: inv.currency as string,
        amount: inv.amount_due as number,
        paymentIntent: intent,
        paidAt: L.now,
      }),
      "invoice_payment.paid",
    );
    return markPaid(L, inv, true);
  }
  failed(L, inv, customer, subscriptionOf(L, inv));
}

function failed(L: Ledger, inv: StripeObject, customer: StripeObject, sub: StripeObject | undefined): void {
  const first = L.firstFailure.get(inv.id) ?? L.now;
  L.firstFailure.set(inv.id, first);
  const creating = inv.billing_reason === "subscription_create";
  const attempts = (inv.attempt_count as number) + 1;
  const retryAt = creating ? undefined : L.retryDays[attempts - 1];
  L.fake.change(
    inv,
    (o) =>
      Object.assign(o, {
        attempted: true,
        attempt_count: attempts,
        next_payment_attempt: retryAt === undefined ? null : first + retryAt * 86_400,
      }),
    "invoice.payment_failed",
  );
  if (!customer.delinquent) L.fake.change(customer, (c) => void (c.delinquent = true));
  if (!sub || creating) return;
  if (sub.status === "active") L.fake.change(sub, (s) => void (s.status = "past_due"));
  if (retryAt !== undefined || L.dunning === "past_due") return;
  if (L.dunning === "unpaid") L.fake.change(sub, (s) => void (s.status = "unpaid"));
  else endSubscription(L, sub, L.now, "payment_failed");
}

/** A subscription ends: status canceled, `ended_at`, and `customer.subscription.deleted` (the object stays). */
export function endSubscription(
  L: Ledger,
  sub: StripeObject,
  at: number,
  reason: string | null,
  status = "canceled",
): void {
  L.fake.change(
    sub,
    (s) => {
      Object.assign(s, { status, ended_at: at, canceled_at: s.canceled_at ?? at });
      (s.cancellation_details as Record<string, unknown>).reason ??= reason;
    },
    "customer.subscription.deleted",
  );
}

export function voidInvoice(L: Ledger, inv: StripeObject): void {
  L.fake.change(
    inv,
    (o) => {
      Object.assign(o, { status: "void", amount_remaining: 0, next_payment_attempt: null });
      (o.status_transitions as Record<string, unknown>).voided_at = L.now;
    },
    "invoice.voided",
  );
}

export function markUncollectible(L: Ledger, inv: StripeObject): void {
  L.fake.change(
    inv,
    (o) => {
      Object.assign(o, { status: "uncollectible", next_payment_attempt: null });
      (o.status_transitions as Record<string, unknown>).marked_uncollectible_at = L.now;
    },
    "invoice.marked_uncollectible",
  );
}

/** A refund of (part of) a charge: `refund.created` and `charge.refunded` with the new `amount_refunded`. */
export function refund(L: Ledger, charge: StripeObject, amount: number, reason: string | null): StripeObject {
  const left = (charge.amount as number) - (charge.amount_refunded as number);
  if (charge.status !== "succeeded" || amount <= 0 || amount > left)
    throw new Error(`cannot refund ${amount} of ${charge.id} (${left} left)`);
  const re = L.fake.insert(
    "refunds",
    refundShape(L.id("re"), L.now, { charge, amount, reason, balanceTransaction: L.id("txn") }),
    "refund.created",
  );
  L.fake.change(
    charge,
    (c) => Object.assign(c, { amount_refunded: (c.amount_refunded as number) + amount, refunded: amount === left }),
    "charge.refunded",
  );
  return re;
}

export function subscriptionOf(L: Ledger, inv: StripeObject): StripeObject | undefined {
  const id = (inv.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details
    ?.subscription;
  return id ? L.get("subscriptions", id) : undefined;
}
