import { MONTHLY_SEAT_PRICE, SALES_REPS, SEATS, type Tier } from "./company.ts";
import { isTestAccount } from "./lifecycle.ts";
import { between, intBetween, pick, poisson, rngFor, weighted, type Rng } from "./random.ts";
import { DAY, HOUR, toSecond } from "./time.ts";
import type { World } from "./world.ts";

const DEALS = 61;
/** How long before a customer's signup its first deal may be created. */
export const DEAL_LEAD = 150 * DAY;
/** The open stages a deal passes through before it closes. */
export const OPEN_STAGE_COUNT = 4;

/** One CRM deal of a customer as the sales team lives it, whichever CRM shape it is written in. */
export interface DealPlan {
  /** 1, 2, … per customer */
  n: number;
  won: boolean;
  /** neither won nor lost (yet) */
  stillOpen: boolean;
  /** the company index the deal is named after (the customer's own index when won) */
  companyIndex: number;
  /** 0 for the customer's own deal; 1, 2, … for the prospects lost near the same time */
  prospect: number;
  tier: Tier;
  owner: (typeof SALES_REPS)[number];
  createdAt: number;
  /** when it closes (or would have, for a deal still open), to the millisecond; closedAt() in whole seconds */
  closeAt: number;
  /** open stages reached (1…OPEN_STAGE_COUNT); stage s is entered at stageAt(plan, s) */
  reached: number;
  amountCents: number;
  /** a won deal's amount corrected after the close */
  correction?: { at: number; amountCents: number };
}

/** When the deal closed (or would have), in whole seconds as sources report it. */
export function closedAt(p: DealPlan): number {
  return toSecond(p.closeAt);
}

/** When an open stage (0-based) was entered. */
export function stageAt(p: DealPlan, s: number): number {
  return s === 0 ? p.createdAt : toSecond(p.createdAt + ((p.closeAt - p.createdAt) * s) / p.reached);
}

/**
 * Every deal of one customer: sales-assisted customers were won in a deal that closes on their
 * signup day; other prospects near the same time are lost or still open. One seeded draw per
 * customer, so the demo's `deals` stream and its HubSpot dataset tell the same sales story.
 */
export function dealPlans(world: World, index: number, signupAt: number): DealPlan[] {
  const plans: DealPlan[] = [];
  if (isTestAccount(world.seed, index)) return plans;
  const rng = rngFor(world.seed, index, DEALS);
  const deal = (closeAt: number, won: boolean, companyIndex: number, prospect: number) => {
    const createdAt = toSecond(Math.max(world.start + HOUR, closeAt - between(rng, 14, 120) * DAY));
    const reached = won ? OPEN_STAGE_COUNT : intBetween(rng, 1, OPEN_STAGE_COUNT);
    const owner = pick(rng, SALES_REPS);
    const [tier, amountCents] = dealAmount(rng);
    const plan: DealPlan = {
      n: plans.length + 1,
      won,
      stillOpen: false,
      companyIndex,
      prospect,
      tier,
      owner,
      createdAt,
      closeAt,
      reached,
      amountCents,
    };
    plans.push(plan);
    plan.stillOpen = !won && rng() < 0.25;
    if (plan.stillOpen) return;
    if (won && rng() < 0.12) {
      const corrected = Math.round(amountCents * between(rng, 0.8, 1.1));
      plan.correction = { at: toSecond(closedAt(plan) + intBetween(rng, 1, 10) * DAY), amountCents: corrected };
    }
  };
  if (rng() < 0.45) deal(signupAt, true, index, 0);
  const lost = poisson(rng, 1.1);
  for (let k = 0; k < lost; k++) deal(signupAt + between(rng, -40, 60) * DAY, false, index * 3 + k + 2_400, k + 1);
  return plans;
}

function dealAmount(rng: Rng): [Tier, number] {
  const tier = weighted<Tier>(rng, [
    ["growth", 45],
    ["pro", 38],
    ["enterprise", 17],
  ]);
  const seats = intBetween(rng, SEATS[tier][0], SEATS[tier][1] + 4);
  return [tier, MONTHLY_SEAT_PRICE[tier] * seats * 12];
}
