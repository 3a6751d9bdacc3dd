/**
 * Script a Stripe account over time on the fake, with the clock pinned: every action happens at
 * the scripted time, Stripe's own transitions (renewals, trials ending, retries, cancellations at
 * period end) run in time order as the clock moves with `at()`, and each records the objects and
 * the events Stripe would emit. A scenario can pull, then move the clock an hour and change more.
 *
 *   const acct = await StripeAccount.start({ seed: "dev", start: "2025-12-01T00:00:00Z" });
 *   const pro = acct.price(acct.product({ name: "Pro" }), { unitAmount: 3000, interval: "month" });
 *   acct.at("2025-12-08T10:00:00Z");
 *   const sub = acct.subscribe(acct.customer({ name: "Acme", email: "ops@acme.test" }), [{ price: pro, quantity: 3 }]);
 *   acct.at("2026-08-12T10:00:00Z").changeItems(sub, [{ price: pro, quantity: 5 }]);
 */
import { FakeStripe, type StripeObject } from "./stripe.ts";
import { advance, itemsOf } from "./stripe/cycle.ts";
import { invoiceItemShape } from "./stripe/billing-shapes.ts";
import { attempt, createInvoice, endSubscription, refund } from "./stripe/invoicing.ts";
import { Ledger, unix, type Dunning } from "./stripe/ledger.ts";
import {
  couponShape,
  customerShape,
  priceShape,
  productShape,
  taxRateShape,
  type CouponFields,
  type PriceFields,
} from "./stripe/shapes.ts";
import * as subs from "./stripe/subscriptions.ts";

export type { ItemSpec, Proration, SubscribeOptions } from "./stripe/subscriptions.ts";

export interface AccountOptions {
  /** seeds the ids: the same script gives the same ids */
  seed: string;
  /** the clock before the first action */
  start: string | number;
  /** days after a first failed payment at which Stripe retries (default 3 and 7) */
  retryDays?: number[];
  /** a subscription whose last retry failed: stays past_due (default), becomes unpaid, or is canceled */
  dunning?: Dunning;
}

export class StripeAccount {
  private constructor(
    readonly fake: FakeStripe,
    readonly ledger: Ledger,
  ) {}

  static async start(o: AccountOptions): Promise<StripeAccount> {
    const fake = await FakeStripe.start({});
    const ledger = new Ledger(fake, o.seed);
    ledger.now = unix(o.start);
    if (o.retryDays) ledger.retryDays = o.retryDays;
    if (o.dunning) ledger.dunning = o.dunning;
    return new StripeAccount(fake, ledger);
  }

  /** unix seconds of the account's clock */
  get now(): number {
    return this.ledger.now;
  }

  /** Move the clock forward to `when`, running every renewal, retry and trial end due on the way. */
  at(when: string | number): this {
    advance(this.ledger, unix(when));
    return this;
  }

  /** `id` when a test needs a known one (a CRM that names the customer); else one like Stripe's */
  customer(f: { name: string; email: string | null; metadata?: Record<string, string>; id?: string }): StripeObject {
    const L = this.ledger;
    const { id, ...fields } = f;
    return this.fake.insert(
      "customers",
      customerShape(id ?? L.id("cus"), L.now, { ...fields, invoicePrefix: L.hex(8) }),
    );
  }

  product(f: { name: string; unitLabel?: string }): StripeObject {
    return this.fake.insert("products", productShape(this.ledger.id("prod"), this.now, f));
  }

  /** A price of `product` (the first one becomes its `default_price`); no `interval` makes a one-time price. */
  price(product: StripeObject, f: Omit<PriceFields, "product" | "currency"> & { currency?: string }): StripeObject {
    const price = this.fake.insert(
      "prices",
      priceShape(this.ledger.id("price"), this.now, { currency: "usd", ...f, product: product.id }),
    );
    if (product.default_price === null)
      this.fake.change(product, (p) => Object.assign(p, { default_price: price.id, updated: this.now }));
    return price;
  }

  /** Coupons keep the id the merchant chose (Stripe allows custom coupon ids). */
  coupon(f: CouponFields & { id: string }): StripeObject {
    return this.fake.insert("coupons", couponShape(f.id, this.now, f));
  }

  taxRate(f: { percentage: number; displayName: string; state?: string }): StripeObject {
    return this.fake.insert("tax_rates", taxRateShape(this.ledger.id("txr"), this.now, f));
  }

  subscribe(customer: StripeObject, items: subs.ItemSpec[], opts: subs.SubscribeOptions = {}): StripeObject {
    return subs.subscribe(this.ledger, customer, items, opts);
  }

  /** Upgrade, downgrade or change seats; prorations go on the next invoice unless `always_invoice`. */
  changeItems(sub: StripeObject, items: subs.ItemSpec[], proration: subs.Proration = "create_prorations"): this {
    subs.changeItems(this.ledger, sub, items, proration);
    return this;
  }

  cancelNow(sub: StripeObject): this {
    subs.cancelNow(this.ledger, sub);
    return this;
  }

  cancelAtPeriodEnd(sub: StripeObject): this {
    subs.cancelAtPeriodEnd(this.ledger, sub);
    return this;
  }

  /** Pause payment collection (status stays active); Stripe lifts it at `resumesAt`. */
  pauseCollection(
    sub: StripeObject,
    behavior: "void" | "mark_uncollectible" | "keep_as_draft",
    resumesAt?: string | number,
  ): this {
    subs.pauseCollection(this.ledger, sub, behavior, resumesAt === undefined ? null : unix(resumesAt));
    return this;
  }

  resumeCollection(sub: StripeObject): this {
    this.fake.change(sub, (s) => void (s.pause_collection = null));
    return this;
  }

  /** Resume a subscription in status `paused` (a trial that ended without a payment method). */
  resume(sub: StripeObject): this {
    subs.resumePaused(this.ledger, sub);
    return this;
  }

  /** From now on the customer's card is declined (true) or works again (false). */
  cardDeclines(customer: StripeObject, declines = true): this {
    if (declines) this.ledger.declining.add(customer.id);
    else this.ledger.declining.delete(customer.id);
    return this;
  }

  /** The customer pays every open invoice now (e.g. after updating their card). */
  payOpenInvoices(customer: StripeObject): this {
    for (const inv of this.invoices(customer).filter((i) => i.status === "open")) attempt(this.ledger, inv);
    return this;
  }

  /** Refund a charge, in full unless `amount` says how much. */
  refund(
    charge: StripeObject,
    f: { amount?: number; reason?: "duplicate" | "fraudulent" | "requested_by_customer" } = {},
  ): StripeObject {
    const left = (charge.amount as number) - (charge.amount_refunded as number);
    return refund(this.ledger, charge, f.amount ?? left, f.reason ?? null);
  }

  /** Deleting a customer cancels their subscriptions at once, then the customer is gone from lists. */
  deleteCustomer(customer: StripeObject): this {
    for (const sub of this.subscriptions(customer)) {
      if (!["canceled", "incomplete_expired"].includes(sub.status as string))
        endSubscription(this.ledger, sub, this.now, "cancellation_requested");
    }
    this.fake.remove("customers", customer.id);
    return this;
  }

  /** Metered usage of a subscription's item for `price`, billed in arrears at the next renewal. */
  reportUsage(sub: StripeObject, price: StripeObject, quantity: number): this {
    const item = itemsOf(sub).find((i) => i.price.id === price.id);
    if (!item) throw new Error(`${sub.id} has no item for ${price.id}`);
    const usage = this.ledger.sub(sub.id).usage;
    usage.set(item.id, (usage.get(item.id) ?? 0) + quantity);
    return this;
  }

  /** A one-off invoice (billing_reason manual) for a one-time price, left as a draft. */
  draftInvoice(customer: StripeObject, price: StripeObject, description: string): StripeObject {
    const L = this.ledger;
    const period = { start: this.now, end: this.now };
    const ii = invoiceItemShape(L.id("ii"), this.now, {
      customer: customer.id,
      currency: price.currency as string,
      amount: price.unit_amount as number,
      description,
      price,
      quantity: 1,
      period,
      subscription: null as never,
      subscriptionItem: null as never,
    });
    Object.assign(ii, { proration: false, discountable: true, parent: null });
    L.fake.internal.set(ii.id as string, ii);
    this.fake.emit("invoiceitem.created", ii as never);
    const line = {
      amount: price.unit_amount as number,
      description,
      price,
      quantity: 1,
      period,
      subscriptionItem: null,
      invoiceItem: ii.id as string,
    };
    return createInvoice(L, {
      customer,
      subscription: null,
      reason: "manual",
      periodStart: this.now,
      periodEnd: this.now,
      lines: [line],
      autoFinalize: false,
    });
  }

  subscriptions(customer: StripeObject): StripeObject[] {
    return (this.fake.objects.subscriptions ?? []).filter((s) => s.customer === customer.id);
  }

  invoices(customer: StripeObject): StripeObject[] {
    return (this.fake.objects.invoices ?? []).filter((i) => i.customer === customer.id);
  }

  charges(customer: StripeObject): StripeObject[] {
    return (this.fake.objects.charges ?? []).filter((c) => c.customer === customer.id);
  }

  close(): Promise<void> {
    return this.fake.close();
  }
}
