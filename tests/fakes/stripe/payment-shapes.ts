/**
 * Money movements in the current API's shape (resources.charge, refund, invoice_payment of
 * stripe-fixtures3.json). Since basil a charge no longer names its invoice: the link is an
 * invoice_payment whose `payment.payment_intent` is the charge's `payment_intent`. `refunds` on a
 * charge is not included unless expanded (since 2022-11-15), so it is absent here.
 */
import type { StripeObject } from "./list.ts";

const CARD = {
  brand: "visa",
  checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
  country: "US",
  exp_month: 8,
  exp_year: 2030,
  fingerprint: "Fk3ePrNsVwzk6xtn",
  funding: "credit",
  last4: "4242",
  network: "visa",
  wallet: null,
};

const APPROVED = {
  advice_code: null,
  network_advice_code: null,
  network_decline_code: null,
  network_status: "approved_by_network",
  reason: null,
  risk_level: "normal",
  seller_message: "Payment complete.",
  type: "authorized",
};
const DECLINED = {
  advice_code: "try_again_later",
  network_advice_code: null,
  network_decline_code: null,
  network_status: "declined_by_network",
  reason: "generic_decline",
  risk_level: "normal",
  seller_message: "The bank did not return any further details with this decline.",
  type: "issuer_declined",
};

export interface ChargeFields {
  customer: StripeObject;
  currency: string;
  amount: number;
  paymentIntent: string;
  paymentMethod: string;
  description: string;
  succeeded: boolean;
  balanceTransaction: string;
}

export function chargeShape(id: string, created: number, f: ChargeFields): StripeObject {
  return {
    id,
    object: "charge",
    amount: f.amount,
    amount_captured: f.succeeded ? f.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: f.succeeded ? f.balanceTransaction : null,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: f.customer.email,
      name: f.customer.name,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "FAKE STRIPE TEST",
    captured: f.succeeded,
    created,
    currency: f.currency,
    customer: f.customer.id,
    description: f.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: f.succeeded ? null : "card_declined",
    failure_message: f.succeeded ? null : "Your card was declined.",
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: f.succeeded ? APPROVED : DECLINED,
    paid: f.succeeded,
    payment_intent: f.paymentIntent,
    payment_method: f.paymentMethod,
    payment_method_details: { card: CARD, type: "card" },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: f.succeeded ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  };
}

export function refundShape(
  id: string,
  created: number,
  f: { charge: StripeObject; amount: number; reason: string | null; balanceTransaction: string },
): StripeObject {
  return {
    id,
    object: "refund",
    amount: f.amount,
    balance_transaction: f.balanceTransaction,
    charge: f.charge.id,
    created,
    currency: f.charge.currency,
    customer: f.charge.customer,
    customer_account: null,
    destination_details: {
      card: {
        reference: null,
        reference_status: "pending",
        reference_type: "acquirer_reference_number",
        type: "refund",
      },
      type: "card",
    },
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

/** resources.invoice_payment: one per payment attempt's PaymentIntent on an invoice. */
export function invoicePaymentShape(
  id: string,
  created: number,
  f: { invoice: string; currency: string; amount: number; paymentIntent: string; paidAt: number | null },
): StripeObject {
  return {
    id,
    object: "invoice_payment",
    amount_paid: f.paidAt === null ? null : f.amount,
    amount_requested: f.amount,
    created,
    currency: f.currency,
    invoice: f.invoice,
    is_default: true,
    livemode: false,
    payment: { payment_intent: f.paymentIntent, type: "payment_intent" },
    status: f.paidAt === null ? "open" : "paid",
    status_transitions: { canceled_at: null, paid_at: f.paidAt },
  };
}
