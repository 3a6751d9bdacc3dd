import { lifeDays } from "../life-days.ts";
import { customerId, type InvoiceVersion, type PaymentAttempt, type SubVersion } from "../lifecycle.ts";
import { DAY, iso } from "../time.ts";
import type { Emitted, World } from "../world.ts";
import { currencyCode, isDuplicated, visibleAt } from "./mess.ts";
import type { DemoStream } from "./stream.ts";

const SUBSCRIPTIONS = 31;
const INVOICES = 32;
const PAYMENTS = 33;

export const subscriptions: DemoStream = {
  name: "subscriptions",
  spec: {
    name: "subscriptions",
    description:
      "one row per subscription change (new, trial end, upgrade, downgrade, seats, past due, cancel); the latest updated_at is the current state",
    primaryKey: ["subscription_id"],
    cursorField: "updated_at",
    columns: {
      subscription_id: "VARCHAR",
      customer_id: "VARCHAR",
      plan_id: "VARCHAR",
      status: "VARCHAR",
      quantity: "INTEGER",
      amount_cents: "BIGINT",
      interval: "VARCHAR",
      currency: "VARCHAR",
      started_at: "TIMESTAMPTZ",
      trial_ends_at: "TIMESTAMPTZ",
      canceled_at: "TIMESTAMPTZ",
      cancel_reason: "VARCHAR",
      updated_at: "TIMESTAMPTZ",
    },
  },
  ordered: (world) =>
    lifeDays(world, {
      facts: (chunk) => chunk.versions,
      at: (v) => v.at,
      series: (v) => v.subNo,
      records: subscriptionRecords,
    }),
};

export const invoices: DemoStream = {
  name: "invoices",
  spec: {
    name: "invoices",
    description:
      "invoices per billing period; status moves open → paid or uncollectible (a new row each time); some rows arrive twice",
    primaryKey: ["invoice_id"],
    cursorField: "updated_at",
    columns: {
      invoice_id: "VARCHAR",
      customer_id: "VARCHAR",
      subscription_id: "VARCHAR",
      plan_id: "VARCHAR",
      quantity: "INTEGER",
      period_start: "TIMESTAMPTZ",
      period_end: "TIMESTAMPTZ",
      amount_due_cents: "BIGINT",
      amount_paid_cents: "BIGINT",
      currency: "VARCHAR",
      status: "VARCHAR",
      created_at: "TIMESTAMPTZ",
      due_at: "TIMESTAMPTZ",
      paid_at: "TIMESTAMPTZ",
      updated_at: "TIMESTAMPTZ",
    },
  },
  ordered: (world) => lifeDays(world, { facts: (chunk) => chunk.invoices, at: (v) => v.at, records: invoiceRecords }),
};

export const payments: DemoStream = {
  name: "payments",
  spec: {
    name: "payments",
    description: "card charges, one row per attempt; failed attempts are retried after 3, 5 and 7 days",
    primaryKey: ["payment_id"],
    cursorField: "created_at",
    columns: {
      payment_id: "VARCHAR",
      invoice_id: "VARCHAR",
      customer_id: "VARCHAR",
      amount_cents: "BIGINT",
      currency: "VARCHAR",
      status: "VARCHAR",
      failure_code: "VARCHAR",
      attempt: "INTEGER",
      created_at: "TIMESTAMPTZ",
    },
  },
  ordered: (world) => lifeDays(world, { facts: (chunk) => chunk.payments, at: (p) => p.at, records: paymentRecords }),
};

function subscriptionRecords(world: World, index: number, v: SubVersion, n: number, first: boolean): Emitted[] {
  // a subscription's first version is its creation, which is never late
  return [
    {
      t: v.at,
      visibleAt: first ? v.at : visibleAt(world.seed, v.at, SUBSCRIPTIONS, index, n),
      record: {
        subscription_id: v.subscriptionId,
        customer_id: customerId(index),
        plan_id: v.plan.id,
        status: v.status,
        quantity: v.quantity,
        amount_cents: v.plan.priceCents * v.quantity,
        interval: v.plan.interval,
        currency: "usd",
        started_at: iso(v.startedAt),
        trial_ends_at: v.trialEndsAt === null ? null : iso(v.trialEndsAt),
        canceled_at: v.canceledAt === null ? null : iso(v.canceledAt),
        cancel_reason: v.cancelReason,
        updated_at: iso(v.at),
      },
    },
  ];
}

function invoiceRecords(world: World, index: number, v: InvoiceVersion, n: number): Emitted[] {
  const e: Emitted = {
    t: v.at,
    visibleAt: v.status === "open" ? v.at : visibleAt(world.seed, v.at, INVOICES, index, n),
    record: {
      invoice_id: v.invoiceId,
      customer_id: customerId(index),
      subscription_id: v.subscriptionId,
      plan_id: v.plan.id,
      quantity: v.quantity,
      period_start: iso(v.periodStart),
      period_end: iso(v.periodEnd),
      amount_due_cents: v.amountDueCents,
      amount_paid_cents: v.amountPaidCents,
      currency: currencyCode(world.seed, INVOICES, index, n),
      status: v.status,
      created_at: iso(v.createdAt),
      due_at: iso(v.createdAt + 7 * DAY),
      paid_at: v.paidAt === null ? null : iso(v.paidAt),
      updated_at: iso(v.at),
    },
  };
  return isDuplicated(world.seed, 0.02, INVOICES, index, n) ? [e, { ...e, record: { ...e.record } }] : [e];
}

function paymentRecords(world: World, index: number, p: PaymentAttempt, n: number): Emitted[] {
  return [
    {
      t: p.at,
      visibleAt: p.at,
      record: {
        payment_id: p.paymentId,
        invoice_id: p.invoiceId,
        customer_id: customerId(index),
        amount_cents: p.amountCents,
        currency: currencyCode(world.seed, PAYMENTS, index, n),
        status: p.succeeded ? "succeeded" : "failed",
        failure_code: p.failureCode,
        attempt: p.attempt,
        created_at: iso(p.at),
      },
    },
  ];
}
