/**
 * The account builder: each action leaves the objects and events Stripe would, at the scripted times.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { StripeAccount } from "./stripe-account.ts";
import type { StripeObject } from "./stripe.ts";

let a: StripeAccount;
let pro: StripeObject;
let cus: StripeObject;

const t = (iso: string) => Date.parse(iso) / 1000;
const types = (since: number) => a.fake.events.filter((e) => e.created >= since).map((e) => e.type);
const lines = (inv: StripeObject) => (inv.lines as { data: Record<string, any>[] }).data;
const item = (sub: StripeObject) => (sub.items as { data: Record<string, any>[] }).data[0]!;

beforeEach(async () => {
  a = await StripeAccount.start({ seed: "unit", start: "2026-01-01T00:00:00Z" });
  pro = a.price(a.product({ name: "Pro" }), { unitAmount: 3000, interval: "month" });
  cus = a.customer({ name: "Acme", email: "ops@acme.example" });
  a.at("2026-01-10T10:00:00Z");
});
afterEach(() => a.close());

describe("subscriptions over time", () => {
  test("subscribe: created incomplete, first invoice charged at once, then active; periods live on items", () => {
    const at = a.now;
    const sub = a.subscribe(cus, [{ price: pro, quantity: 3 }]);
    expect(types(at)).toEqual([
      "customer.updated",
      "customer.subscription.created",
      "invoice.created",
      "customer.subscription.updated",
      "invoice.finalized",
      "charge.succeeded",
      "invoice_payment.paid",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    expect(a.fake.events.find((e) => e.type === "customer.subscription.created")!.data.object.status).toBe(
      "incomplete",
    );
    expect(sub.status).toBe("active");
    expect(item(sub)).toMatchObject({
      quantity: 3,
      current_period_start: t("2026-01-10T10:00:00Z"),
      current_period_end: t("2026-02-10T10:00:00Z"),
    });
    const [first] = a.invoices(cus);
    expect(first).toMatchObject({
      billing_reason: "subscription_create",
      status: "paid",
      total: 9000,
      amount_paid: 9000,
      period_start: at,
      period_end: at,
    });
  });

  test("a renewal is a draft for an hour, then finalized and charged", () => {
    a.subscribe(cus, [{ price: pro }]);
    a.at("2026-02-10T10:30:00Z");
    const renewal = a.invoices(cus).at(-1)!;
    expect(renewal).toMatchObject({
      billing_reason: "subscription_cycle",
      status: "draft",
      number: null,
      automatically_finalizes_at: t("2026-02-10T11:00:00Z"),
    });
    a.at("2026-02-10T11:00:00Z");
    expect(renewal).toMatchObject({ status: "paid", effective_at: t("2026-02-10T11:00:00Z") });
    expect(a.charges(cus).at(-1)!.created).toBe(t("2026-02-10T11:00:00Z"));
  });

  test("seat change mid-period: credit and debit prorations wait for the next invoice", () => {
    const sub = a.subscribe(cus, [{ price: pro, quantity: 3 }]);
    a.at("2026-01-25T10:00:00Z").changeItems(sub, [{ price: pro, quantity: 5 }]);
    expect(types(a.now)).toEqual(["customer.subscription.updated", "invoiceitem.created", "invoiceitem.created"]);
    expect(a.invoices(cus)).toHaveLength(1);
    a.at("2026-02-10T12:00:00Z");
    const renewal = a.invoices(cus).at(-1)!;
    // 16 of 31 days left: −9,000 × 16/31 = −4,645; +15,000 × 16/31 = 7,742
    expect(lines(renewal).map((l) => [l.amount, l.parent.subscription_item_details.proration])).toEqual([
      [15000, false],
      [-4645, true],
      [7742, true],
    ]);
    expect(renewal.total).toBe(15000 - 4645 + 7742);
    expect(lines(renewal)[1]!.description).toBe("Unused time on 3 × Pro after 25 Jan 2026");
  });

  test("an upgrade with always_invoice bills the prorations at once (billing_reason subscription_update)", () => {
    const starter = a.price(a.product({ name: "Starter" }), { unitAmount: 1000, interval: "month" });
    const sub = a.subscribe(cus, [{ price: starter }]);
    const si = item(sub).id;
    a.at("2026-01-25T10:00:00Z").changeItems(sub, [{ price: pro, quantity: 2 }], "always_invoice");
    const inv = a.invoices(cus).at(-1)!;
    expect(inv).toMatchObject({ billing_reason: "subscription_update", status: "paid", total: -516 + 3097 });
    expect(item(sub)).toMatchObject({ id: si, quantity: 2, price: { id: pro.id } });
  });

  test("cancel at period end: active (and billed) until the period ends, then canceled with no renewal", () => {
    const sub = a.subscribe(cus, [{ price: pro }]);
    a.at("2026-01-20T10:00:00Z").cancelAtPeriodEnd(sub);
    expect(sub).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: t("2026-02-10T10:00:00Z"),
      canceled_at: t("2026-01-20T10:00:00Z"),
    });
    a.at("2026-03-01T00:00:00Z");
    expect(sub).toMatchObject({ status: "canceled", ended_at: t("2026-02-10T10:00:00Z") });
    expect(a.invoices(cus)).toHaveLength(1);
    expect(a.fake.events.at(-1)!.type).toBe("customer.subscription.deleted");
  });

  test("trials: $0 invoice without a charge; convert, cancel or pause at trial end", () => {
    const converts = a.subscribe(cus, [{ price: pro }], { trialDays: 14 });
    const cancels = a.subscribe(a.customer({ name: "B", email: "b@b.example" }), [{ price: pro }], {
      trialDays: 14,
      trialEnd: "cancel",
    });
    const pauses = a.subscribe(a.customer({ name: "C", email: "c@c.example" }), [{ price: pro }], {
      trialDays: 14,
      trialEnd: "pause",
    });
    expect(a.invoices(cus)[0]).toMatchObject({ status: "paid", total: 0 });
    expect(a.fake.objects.charges ?? []).toHaveLength(0);
    a.at("2026-01-24T12:00:00Z");
    expect([converts.status, cancels.status, pauses.status]).toEqual(["active", "canceled", "paused"]);
    expect(converts.billing_cycle_anchor).toBe(t("2026-01-24T10:00:00Z"));
    expect(a.charges(cus)).toHaveLength(1);
    expect(a.fake.events.some((e) => e.type === "customer.subscription.paused")).toBe(true);
    a.at("2026-02-01T00:00:00Z").resume(pauses);
    expect(pauses).toMatchObject({ status: "active", billing_cycle_anchor: t("2026-02-01T00:00:00Z") });
  });

  test("a declined renewal: past_due, retries 3 and 7 days later, paid after a new card", () => {
    const sub = a.subscribe(cus, [{ price: pro }]);
    a.cardDeclines(cus).at("2026-02-17T00:00:00Z");
    expect(sub.status).toBe("past_due");
    expect(cus.delinquent).toBe(true);
    expect(
      a
        .charges(cus)
        .map((c) => [c.status, c.failure_code, new Date((c.created as number) * 1000).toISOString().slice(5, 13)]),
    ).toEqual([
      ["succeeded", null, "01-10T10"],
      ["failed", "card_declined", "02-10T11"],
      ["failed", "card_declined", "02-13T11"],
    ]);
    a.cardDeclines(cus, false).payOpenInvoices(cus);
    expect(sub.status).toBe("active");
    expect(cus.delinquent).toBe(false);
    expect(a.invoices(cus).at(-1)).toMatchObject({ status: "paid", attempt_count: 3, next_payment_attempt: null });
  });

  test("coupons: once on the first invoice only, repeating for N months, amount off in the coupon's currency", () => {
    const once = a.coupon({ id: "ONCE", name: "once", duration: "once", percentOff: 50 });
    const twoMonths = a.coupon({
      id: "TWO",
      name: "two",
      duration: "repeating",
      durationInMonths: 2,
      amountOff: 500,
      currency: "usd",
    });
    const s1 = a.subscribe(cus, [{ price: pro }], { coupon: once });
    const other = a.customer({ name: "B", email: "b@b.example" });
    a.subscribe(other, [{ price: pro }], { coupon: twoMonths });
    a.at("2026-05-01T00:00:00Z");
    expect(a.invoices(cus).map((i) => i.total)).toEqual([1500, 3000, 3000, 3000]);
    expect(a.invoices(other).map((i) => i.total)).toEqual([2500, 2500, 3000, 3000]);
    expect(s1.discounts).toEqual([]);
    expect(a.fake.events.filter((e) => e.type === "customer.discount.deleted")).toHaveLength(2);
  });

  test("paused collection voids the renewals until it resumes", () => {
    const sub = a.subscribe(cus, [{ price: pro }]);
    a.at("2026-01-20T00:00:00Z").pauseCollection(sub, "void", "2026-03-20T00:00:00Z");
    a.at("2026-04-20T00:00:00Z");
    expect(a.invoices(cus).map((i) => i.status)).toEqual(["paid", "void", "void", "paid"]);
    expect(sub).toMatchObject({ status: "active", pause_collection: null });
  });

  test("deleting a customer ends their subscriptions first; refunds mark the charge", () => {
    const sub = a.subscribe(cus, [{ price: pro }]);
    const [charge] = a.charges(cus);
    a.refund(charge!, { amount: 1000 });
    expect(charge).toMatchObject({ amount_refunded: 1000, refunded: false });
    a.refund(charge!);
    expect(charge).toMatchObject({ amount_refunded: 3000, refunded: true });
    const at = a.at("2026-01-11T00:00:00Z").now;
    a.deleteCustomer(cus);
    expect(types(at)).toEqual(["customer.subscription.deleted", "customer.deleted"]);
    expect(sub).toMatchObject({ status: "canceled", ended_at: at });
    expect(a.fake.ids("customers")).toEqual([]);
  });

  test("the clock only moves forward", () => {
    expect(() => a.at("2025-12-31T00:00:00Z")).toThrow("only moves forward");
  });
});
