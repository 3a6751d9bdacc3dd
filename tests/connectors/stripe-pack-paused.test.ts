/**
 * Paused collection (`pause_collection` set, status still active) counts 0 MRR from the pause on, as far as
 * the data can tell: a Stripe account with every behavior (void, mark_uncollectible, keep_as_draft), paused
 * long before the first pull and in its last 30 days, pulled by the real connector from the fake and built.
 *
 *  - Inside Stripe's 30 days of events (the first pull at DP_NOW lists them from Oct 22), the
 *    customer.subscription.updated event whose previous_attributes hold pause_collection dates the pause:
 *    a pause on Oct 25–27 is Oct 31 $0 though the paid Oct invoice still covers Oct 31 (churn in October).
 *  - Older than that, Stripe keeps no pause date: the pause shows at the first invoice it voided, marked
 *    uncollectible or left a draft. A pause on Aug 20 of a subscription renewing on the 3rd–9th is Aug 31
 *    $50 (the paid Aug invoice covers it; nothing says otherwise) and Sep 30 $0 (churn in September).
 *  - A pause from Jul 20 that Stripe lifted at resumes_at Aug 25: the Aug 4 invoice is void, so Jul 31 $50,
 *    Aug 31 $0 (churn), Sep 30 $50 again (reactivation).
 *  - A recent pause lifted again on Nov 10 (resumes_at): Oct 31 $0, Nov (to date) $50.
 */
import { describe, expect, test } from "bun:test";
import { StripeAccount } from "../fakes/stripe-account.ts";
import type { StripeObject } from "../fakes/stripe.ts";
import { DP_NOW, Script } from "../fixtures/stripe/scenario.ts";
import { mrrStory, stripePackOn } from "./packs.ts";

type Behavior = "void" | "mark_uncollectible" | "keep_as_draft";

async function pausedAccount(): Promise<StripeAccount> {
  const a = await StripeAccount.start({ seed: "dp-paused", start: "2026-02-20T09:00:00Z", retryDays: [3, 7] });
  const team = a.product({ name: "Team" });
  const price = a.price(team, { unitAmount: 5000, interval: "month" });
  const s = new Script();
  const subs: Record<string, StripeObject> = {};
  const story = (name: string, startDay: string, pause: { at: string; behavior: Behavior; resumesAt?: string }) => {
    s.step(`2026-03-${startDay}T10:00:00Z`, () => {
      const c = a.customer({ name, email: `billing@${name.toLowerCase().replace(/\W+/g, "")}.example` });
      subs[name] = a.subscribe(c, [{ price }]);
    });
    s.step(pause.at, () => a.pauseCollection(subs[name]!, pause.behavior, pause.resumesAt));
  };
  story("Old Void", "03", { at: "2026-08-20T10:00:00Z", behavior: "void" });
  story("Old Uncollectible", "07", { at: "2026-08-20T10:00:00Z", behavior: "mark_uncollectible" });
  story("Old Draft", "09", { at: "2026-08-20T10:00:00Z", behavior: "keep_as_draft" });
  story("Old Resumed", "04", { at: "2026-07-20T10:00:00Z", behavior: "void", resumesAt: "2026-08-25T10:00:00Z" });
  story("Recent Void", "05", { at: "2026-10-25T10:00:00Z", behavior: "void" });
  story("Recent Uncollectible", "06", { at: "2026-10-26T10:00:00Z", behavior: "mark_uncollectible" });
  story("Recent Draft", "08", { at: "2026-10-27T10:00:00Z", behavior: "keep_as_draft" });
  story("Recent Resumed", "10", { at: "2026-10-24T10:00:00Z", behavior: "void", resumesAt: "2026-11-10T10:00:00Z" });
  s.step("2026-03-11T10:00:00Z", () => {
    subs.Control = a.subscribe(a.customer({ name: "Control", email: "billing@control.example" }), [{ price }]);
  });
  s.runUntil(a, DP_NOW);
  return a;
}

const pack = stripePackOn(pausedAccount, DP_NOW);

const story = () => mrrStory(pack.project, DP_NOW);

describe("paused collection counts 0 MRR from the pause on", () => {
  test("dated by the pause event inside Stripe's 30 days, else by the first invoice the pause voided, marked uncollectible or kept a draft", async () => {
    //                         Jul 31        Aug 31           Sep 30              Oct 31      Nov (to date)
    expect(await story()).toEqual({
      Control: ["50", "50", "50", "50", "50"],
      "Old Draft": ["50", "50", "0 churn", "0", "0"],
      "Old Resumed": ["50", "0 churn", "50 reactivation", "50", "50"],
      "Old Uncollectible": ["50", "50", "0 churn", "0", "0"],
      "Old Void": ["50", "50", "0 churn", "0", "0"],
      "Recent Draft": ["50", "50", "50", "0 churn", "0"],
      "Recent Resumed": ["50", "50", "50", "0 churn", "50 reactivation"],
      "Recent Uncollectible": ["50", "50", "50", "0 churn", "0"],
      "Recent Void": ["50", "50", "50", "0 churn", "0"],
    });
  }, 60_000);

  test("the recent pauses are dated from the events, the old ones from invoices; the subscriptions mart shows each behavior", async () => {
    const states = await pack.project.sql<{
      customer_id: string;
      month: string;
      rebuilt_from: string;
      is_counted: boolean;
    }>(
      `select c.customer_name, s.rebuilt_from, s.is_counted
       from intermediate.int_stripe__subscription_states s
       join marts.customers c using (customer_id)
       where s.month in ('2026-08-01', '2026-10-01') and c.customer_name in ('Old Void', 'Recent Void')
       order by c.customer_name, s.month`,
      DP_NOW,
    );
    expect(states.map((r) => Object.values(r))).toEqual([
      ["Old Void", "invoices", true],
      ["Old Void", "events", false],
      ["Recent Void", "invoices", true],
      ["Recent Void", "events", false],
    ]);
    const subs = await pack.project.sql<{ customer_name: string; status: string; pause: string | null; mrr: number }>(
      `select customer_name, status, pause_collection_behavior as pause, mrr from marts.subscriptions order by customer_name`,
      DP_NOW,
    );
    expect(subs.map((r) => [r.customer_name, r.status, r.pause, Number(r.mrr)])).toEqual([
      ["Control", "active", null, 50],
      ["Old Draft", "active", "keep_as_draft", 0],
      ["Old Resumed", "active", null, 50],
      ["Old Uncollectible", "active", "mark_uncollectible", 0],
      ["Old Void", "active", "void", 0],
      ["Recent Draft", "active", "keep_as_draft", 0],
      ["Recent Resumed", "active", null, 50],
      ["Recent Uncollectible", "active", "mark_uncollectible", 0],
      ["Recent Void", "active", "void", 0],
    ]);
  }, 60_000);
});
