import { byDay } from "../days.ts";
import { companyName } from "../company.ts";
import { closedAt, DEAL_LEAD, dealPlans, stageAt } from "../deal-plans.ts";
import { customerId } from "../lifecycle.ts";
import { DAY, iso } from "../time.ts";
import type { Emitted, World } from "../world.ts";
import { visibleAt } from "./mess.ts";
import type { DemoStream } from "./stream.ts";

/** the draw key of late arrivals (deal-plans.ts draws the deals themselves under the same number) */
const DEALS = 61;
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
        leadMs: DEAL_LEAD,
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
  const slug = customerId(index).slice(4);
  for (const p of dealPlans(world, index, signupAt)) {
    const base = {
      deal_id: `deal_${slug}_${p.n}`,
      company_name: companyName(p.companyIndex),
      currency: "usd",
      owner: p.owner,
      created_at: iso(p.createdAt),
    };
    let amount = p.amountCents;
    let v = 0;
    const version = (t: number, record: Record<string, unknown>) =>
      rows.push({
        t,
        visibleAt: visibleAt(world.seed, t, DEALS, index, p.n, ++v),
        record: { ...base, amount_cents: amount, ...record, updated_at: iso(t) },
      });
    for (let s = 0; s < p.reached; s++)
      version(stageAt(p, s), { customer_id: null, stage: OPEN_STAGES[s], closed_at: null });
    if (p.stillOpen) continue;
    const closed = {
      customer_id: p.won ? customerId(index) : null,
      stage: p.won ? "closed_won" : "closed_lost",
      closed_at: iso(closedAt(p)),
    };
    version(closedAt(p), closed);
    if (p.correction) {
      amount = p.correction.amountCents;
      version(p.correction.at, closed);
    }
  }
  return rows.sort((a, b) => a.t - b.t);
}
