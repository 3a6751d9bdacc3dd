import { byDay } from "../days.ts";
import { MONTHLY_SEAT_PRICE, SALES_REPS, SEATS, companyName, type Tier } from "../company.ts";
import { isTestAccount, customerId } from "../lifecycle.ts";
import { between, intBetween, pick, poisson, rngFor, weighted, type Rng } from "../random.ts";
import { DAY, HOUR, iso, toSecond } from "../time.ts";
import type { Emitted, World } from "../world.ts";
import { visibleAt } from "./mess.ts";
import type { DemoStream } from "./stream.ts";

const DEALS = 61;
const LEAD = 150 * DAY;
const OPEN_STAGES = ["prospecting", "qualified", "proposal", "negotiation"] as const;

/**
 * CRM deals: sales-assisted customers were won in a deal that closes on their signup day
 * (the CRM links the customer only then); other prospects near the same time are lost or still open.
 */
export const deals: DemoStream = {
  name: "deals",
  spec: {
    name: "deals",
    description: "CRM deals; a new row at each stage change, sometimes an amount correction after the close",
    primaryKey: ["deal_id"],
    cursorField: "updated_at",
    columns: {
      deal_id: "VARCHAR",
      customer_id: "VARCHAR",
      company_name: "VARCHAR",
      stage: "VARCHAR",
      amount_cents: "BIGINT",
      currency: "VARCHAR",
      owner: "VARCHAR",
      created_at: "TIMESTAMPTZ",
      closed_at: "TIMESTAMPTZ",
      updated_at: "TIMESTAMPTZ",
    },
  },
  ordered: (world) =>
    byDay(
      world,
      (index, signupAt): Prospect => ({ index, signupAt, out: 0, nextAt: Number.NEGATIVE_INFINITY }),
      (p, day, out) => dealDay(world, p, day, out),
      {
        leadMs: LEAD,
        wake: (p) => Math.floor(p.nextAt / DAY),
      },
    ),
};

/** A customer's deals cost only where it stands: its rows are made again on each day that has some. */
interface Prospect {
  index: number;
  signupAt: number;
  out: number;
  nextAt: number;
}

function dealDay(world: World, p: Prospect, day: number, out: Emitted[]): boolean {
  const dayEnd = (day + 1) * DAY;
  if (p.nextAt >= dayEnd) return true;
  const rows = dealRows(world, p.index, p.signupAt);
  while (p.out < rows.length && rows[p.out]!.t < dayEnd) out.push(rows[p.out++]!);
  if (p.out === rows.length) return false;
  p.nextAt = rows[p.out]!.t;
  return true;
}

/** Every row of a customer's deals, in time order. */
function dealRows(world: World, index: number, signupAt: number): Emitted[] {
  const rows: Emitted[] = [];
  if (isTestAccount(world.seed, index)) return rows;
  const rng = rngFor(world.seed, index, DEALS);
  const slug = customerId(index).slice(4);
  let n = 0;
  const deal = (closeAt: number, won: boolean, company: string) => {
    n++;
    const createdAt = toSecond(Math.max(world.start + HOUR, closeAt - between(rng, 14, 120) * DAY));
    const reached = won ? OPEN_STAGES.length : intBetween(rng, 1, OPEN_STAGES.length);
    const base = {
      deal_id: `deal_${slug}_${n}`,
      company_name: company,
      currency: "usd",
      owner: pick(rng, SALES_REPS),
      created_at: iso(createdAt),
    };
    let amount = dealAmount(rng);
    let v = 0;
    const version = (t: number, record: Record<string, unknown>) =>
      rows.push({
        t,
        visibleAt: visibleAt(world.seed, t, DEALS, index, n, ++v),
        record: { ...base, amount_cents: amount, ...record, updated_at: iso(t) },
      });
    for (let s = 0; s < reached; s++) {
      const at = s === 0 ? createdAt : toSecond(createdAt + ((closeAt - createdAt) * s) / reached);
      version(at, { customer_id: null, stage: OPEN_STAGES[s], closed_at: null });
    }
    const stillOpen = !won && rng() < 0.25;
    if (stillOpen) return;
    const closedAt = toSecond(closeAt);
    const closed = {
      customer_id: won ? customerId(index) : null,
      stage: won ? "closed_won" : "closed_lost",
      closed_at: iso(closedAt),
    };
    version(closedAt, closed);
    if (won && rng() < 0.12) {
      amount = Math.round(amount * between(rng, 0.8, 1.1));
      version(toSecond(closedAt + intBetween(rng, 1, 10) * DAY), closed);
    }
  };
  if (rng() < 0.45) deal(signupAt, true, companyName(index));
  const lost = poisson(rng, 1.1);
  for (let k = 0; k < lost; k++)
    deal(signupAt + between(rng, -40, 60) * DAY, false, companyName(index * 3 + k + 2_400));
  return rows.sort((a, b) => a.t - b.t);
}

function dealAmount(rng: Rng): number {
  const tier = weighted<Tier>(rng, [
    ["growth", 45],
    ["pro", 38],
    ["enterprise", 17],
  ]);
  const seats = intBetween(rng, SEATS[tier][0], SEATS[tier][1] + 4);
  return MONTHLY_SEAT_PRICE[tier] * seats * 12;
}
