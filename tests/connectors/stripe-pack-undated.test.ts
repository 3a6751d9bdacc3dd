/**
 * Changes that no invoice dates, made before Stripe's 30 days of events (the first pull at DP_NOW, Nov 21, lists
 * them from Oct 22): what real Stripe leaves is the invoices, the subscription as it is now, and the events of
 * the last 30 days. A Stripe-compatible account (the fake) scripted with such changes, pulled by the real
 * connector and built; each customer's month-end MRR and movement, Jul–Nov (Nov month to date).
 *
 * 1. A price or quantity change (or an item removed or added) with `proration_behavior: none` mid-period (Sep 14, renewing on the 5th): no
 *    proration line; the Sep 5 invoice billed the old items for Sep 5 → Oct 5, the Oct 5 invoice bills the new
 *    ones. The change happened between those renewals and MRR changes at that instant (the metric's definition),
 *    so it is dated inside that interval, at its middle (Sep 20): Sep 30 reads the new amount (contraction or
 *    expansion in September, as the reference calculator, which reads every event, says). Renewing on the 25th,
 *    the Sep 25 invoice already bills the new items (Aug 31 old, Sep 30 new). Off by at most half a period.
 *    With no later invoice yet (annual), the change lies between the last invoice and the oldest event Stripe
 *    still lists (the item as pulled differs, no event says when): dated at that interval's middle.
 * 2. Collection paused (void, mark_uncollectible) before the 30 days: no field of a Stripe object dates the pause
 *    (pause_collection holds a behavior and resumes_at only; the voided or uncollectible invoices are stamped at
 *    their renewals, their lines cover the renewed periods). What the invoices show is the last paid period: the
 *    subscription counts until the first instant no paid or open invoice covers, then 0 (the same rule the dev
 *    account's Orchid Outfitters — paused Sep 2, renewing on the 9th, Aug 31 still $90 — and
 *    stripe-pack-paused.test.ts rely on). Where the pause fell in the paid period is unknown: a pause after the
 *    renewal day shows a month after it was made. From the 30 days on the state is read from the object and
 *    its events, exactly.
 */
import { describe, expect, test } from "bun:test";
import { StripeAccount } from "../fakes/stripe-account.ts";
import type { StripeObject } from "../fakes/stripe.ts";
import { expectedValues } from "../fixtures/stripe/reference.ts";
import { accountData, DP_NOW, Script } from "../fixtures/stripe/scenario.ts";
import { mrrStory, stripePackOn } from "./packs.ts";

const MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"];
let account: StripeAccount | undefined;

async function undatedAccount(): Promise<StripeAccount> {
  const a = await StripeAccount.start({ seed: "dp-undated", start: "2026-02-20T09:00:00Z", retryDays: [3, 7] });
  const basic = a.product({ name: "Basic" });
  const team = a.product({ name: "Team" });
  const P = {
    basic: a.price(basic, { unitAmount: 2000, interval: "month" }),
    team: a.price(team, { unitAmount: 5000, interval: "month" }),
    teamAnnual: a.price(team, { unitAmount: 60000, interval: "year" }),
    support: a.price(a.product({ name: "Support" }), { unitAmount: 1000, interval: "month" }),
  };
  const s = new Script();
  const subs: Record<string, StripeObject> = {};
  const start = (name: string, when: string, items: { price: StripeObject; quantity?: number }[]) =>
    s.step(when, () => {
      const c = a.customer({ name, email: `billing@${name.toLowerCase().replace(/\W+/g, "")}.example` });
      subs[name] = a.subscribe(c, items);
    });
  const change = (
    name: string,
    when: string,
    items: { price: StripeObject; quantity?: number }[],
    proration: "none" | "create_prorations" = "none",
  ) => s.step(when, () => a.changeItems(subs[name]!, items, proration));
  const pause = (name: string, when: string, behavior: "void" | "mark_uncollectible") =>
    s.step(when, () => a.pauseCollection(subs[name]!, behavior));

  // Team × 2 = $100, renewing on the 5th; Sep 14 to Basic × 1 ($20) without proration
  start("Downgrade Fifth", "2026-03-05T10:00:00Z", [{ price: P.team, quantity: 2 }]);
  change("Downgrade Fifth", "2026-09-14T10:00:00Z", [{ price: P.basic }]);
  // Team × 5 = $250; Sep 14 down to 3 seats ($150) without proration
  start("Seats Fifth", "2026-03-05T10:00:00Z", [{ price: P.team, quantity: 5 }]);
  change("Seats Fifth", "2026-09-14T10:00:00Z", [{ price: P.team, quantity: 3 }]);
  // Basic $20; Sep 14 up to Team × 2 ($100) without proration
  start("Upgrade Fifth", "2026-03-05T10:00:00Z", [{ price: P.basic }]);
  change("Upgrade Fifth", "2026-09-14T10:00:00Z", [{ price: P.team, quantity: 2 }]);
  // renewing on the 25th: the Sep 25 invoice bills Basic, Aug 31 is still Team × 2
  start("Downgrade Late Renewal", "2026-03-25T10:00:00Z", [{ price: P.team, quantity: 2 }]);
  change("Downgrade Late Renewal", "2026-09-14T10:00:00Z", [{ price: P.basic }]);
  // the same change with prorations: the proration lines date it (Sep 14) exactly
  start("Downgrade Prorated", "2026-03-05T10:00:00Z", [{ price: P.team, quantity: 2 }]);
  change("Downgrade Prorated", "2026-09-14T10:00:00Z", [{ price: P.basic }], "create_prorations");
  // Team × 2 + Support ($110); Sep 14 Support removed and one seat less ($50) without proration
  start("Item Removed", "2026-03-05T10:00:00Z", [{ price: P.team, quantity: 2 }, { price: P.support }]);
  change("Item Removed", "2026-09-14T10:00:00Z", [{ price: P.team }]);
  // Team ($50); Sep 14 Support added ($60) without proration: first billed Oct 5
  start("Item Added", "2026-03-05T10:00:00Z", [{ price: P.team }]);
  change("Item Added", "2026-09-14T10:00:00Z", [{ price: P.team }, { price: P.support }]);
  // Oct 10, before the 30 days: Oct 31 is read from the subscription as pulled
  start("Downgrade October", "2026-03-05T10:00:00Z", [{ price: P.team, quantity: 2 }]);
  change("Downgrade October", "2026-10-10T10:00:00Z", [{ price: P.basic }]);
  // Oct 27, inside the 30 days: the event dates the upgrade
  start("Upgrade Recent", "2026-03-05T10:00:00Z", [{ price: P.basic }]);
  change("Upgrade Recent", "2026-10-27T10:00:00Z", [{ price: P.team, quantity: 2 }]);
  // annual Team × 2 ($1,200/yr = $100) from Mar 10; Aug 14 down to 1 seat ($50) without proration: no invoice
  // until Mar 2027; between Mar 10 and Oct 22 (Stripe's oldest event), dated at the middle (Jul 1)
  start("Annual Seats", "2026-03-10T10:00:00Z", [{ price: P.teamAnnual, quantity: 2 }]);
  change("Annual Seats", "2026-08-14T10:00:00Z", [{ price: P.teamAnnual, quantity: 1 }]);

  // $50 renewing on the 20th, paused (void) Sep 14: the Sep 20 invoice is void, Sep 30 $0
  start("Pause Before Renewal", "2026-03-20T10:00:00Z", [{ price: P.team }]);
  pause("Pause Before Renewal", "2026-09-14T10:00:00Z", "void");
  // renewing on the 5th, paused (uncollectible) Sep 14: paid until Oct 5, Oct 5's invoice uncollectible
  start("Pause After Renewal", "2026-03-05T10:00:00Z", [{ price: P.team }]);
  pause("Pause After Renewal", "2026-09-14T10:00:00Z", "mark_uncollectible");
  // renewing on the 3rd, paused (void) Aug 20: paid until Sep 3
  start("Pause Late August", "2026-03-03T10:00:00Z", [{ price: P.team }]);
  pause("Pause Late August", "2026-08-20T10:00:00Z", "void");
  // annual $50/mo paused Aug 14: paid until Mar 2027, but paused as pulled (no event in the 30 days)
  start("Annual Pause", "2026-03-10T10:00:00Z", [{ price: P.teamAnnual }]);
  pause("Annual Pause", "2026-08-14T10:00:00Z", "void");

  start("Control", "2026-03-11T10:00:00Z", [{ price: P.team }]);
  s.runUntil(a, DP_NOW);
  account = a;
  return a;
}

const pack = stripePackOn(undatedAccount, DP_NOW);

const story = () => mrrStory(pack.project, DP_NOW);

/** The same from the reference calculator, which reads every event the account ever emitted. */
function reference(): Record<string, string[]> {
  const e = expectedValues(accountData(account!), "2026-03");
  return Object.fromEntries(
    e.customers.map((c) => [
      c.name,
      MONTHS.map((m) => `${c.mrr[m]! / 100}${c.movements[m] ? ` ${c.movements[m]}` : ""}`),
    ]),
  );
}

const pick = (o: Record<string, string[]>, names: string[]) => Object.fromEntries(names.map((n) => [n, o[n]]));

describe("changes no invoice dates, older than Stripe's 30 days of events", () => {
  test("a price or seat change, or an item removed or added, without proration moves MRR inside the period it was made in, not at the next invoice", async () => {
    const got = await story();
    //                                  Jul 31     Aug 31            Sep 30              Oct 31              Nov (to date)
    expect(pick(got, ["Control", "Downgrade Fifth", "Seats Fifth", "Upgrade Fifth", "Downgrade Late Renewal"])).toEqual(
      {
        Control: ["50", "50", "50", "50", "50"],
        "Downgrade Fifth": ["100", "100", "20 contraction", "20", "20"],
        "Seats Fifth": ["250", "250", "150 contraction", "150", "150"],
        "Upgrade Fifth": ["20", "20", "100 expansion", "100", "100"],
        "Downgrade Late Renewal": ["100", "100", "20 contraction", "20", "20"],
      },
    );
    // an item removed or added the same way: Sep 30 without it, with it
    expect(pick(got, ["Item Removed", "Item Added"])).toEqual({
      "Item Removed": ["110", "110", "50 contraction", "50", "50"],
      "Item Added": ["50", "50", "60 expansion", "60", "60"],
    });
    expect(pick(got, ["Downgrade Prorated", "Downgrade October", "Upgrade Recent"])).toEqual({
      "Downgrade Prorated": ["100", "100", "20 contraction", "20", "20"],
      "Downgrade October": ["100", "100", "100", "20 contraction", "20"],
      "Upgrade Recent": ["20", "20", "20", "100 expansion", "100"],
    });
    // each is the instant the subscription changed, as the reference calculator (every event) has it
    const names = [
      "Control",
      "Downgrade Fifth",
      "Seats Fifth",
      "Upgrade Fifth",
      "Downgrade Late Renewal",
      "Item Removed",
      "Item Added",
      "Downgrade Prorated",
      "Downgrade October",
      "Upgrade Recent",
    ];
    expect(pick(got, names)).toEqual(pick(reference(), names));
  }, 60_000);

  test("an annual item changed without proration and no invoice since: dated between its invoice and Stripe's oldest event", async () => {
    // the change was Aug 14 (the reference: Aug contraction); the data bounds it to Mar 10 → Oct 22, middle Jul 1
    expect(pick(await story(), ["Annual Seats"])).toEqual({
      "Annual Seats": ["50 contraction", "50", "50", "50", "50"],
    });
    expect(pick(reference(), ["Annual Seats"])).toEqual({
      "Annual Seats": ["100", "50 contraction", "50", "50", "50"],
    });
  }, 60_000);

  test("a pause counts 0 from the first instant no paid or open invoice covers (the pause itself is undated)", async () => {
    expect(
      pick(await story(), ["Pause Before Renewal", "Pause After Renewal", "Pause Late August", "Annual Pause"]),
    ).toEqual({
      // the Sep 20 invoice void: Sep 30 $0, as the reference has it
      "Pause Before Renewal": ["50", "50", "0 churn", "0", "0"],
      // paid until Oct 5: Sep 30 $50, Oct 31 $0 (the reference: Sep 30 $0, paused Sep 14)
      "Pause After Renewal": ["50", "50", "50", "0 churn", "0"],
      // paid until Sep 3: Aug 31 $50 (the reference: Aug 31 $0, paused Aug 20)
      "Pause Late August": ["50", "50", "0 churn", "0", "0"],
      // paid until Mar 2027; Oct 31 is read from the object as pulled: paused (the reference: Aug 31 $0)
      "Annual Pause": ["50", "50", "50", "0 churn", "0"],
    });
    expect(pick(reference(), ["Pause Before Renewal"])).toEqual({
      "Pause Before Renewal": ["50", "50", "0 churn", "0", "0"],
    });
  }, 60_000);
});
