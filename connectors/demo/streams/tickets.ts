import { TICKET_TOPICS } from "../catalog.ts";
import { customerId, lifeChunks } from "../lifecycle.ts";
import { openSpans } from "../open-spans.ts";
import { exponential, intBetween, normal, pick, rngFor, weighted } from "../random.ts";
import { DAY, HOUR, MINUTE, iso, toSecond } from "../time.ts";
import type { Emitted } from "../world.ts";
import { visibleAt } from "./mess.ts";
import type { DemoStream } from "./stream.ts";

const TICKETS = 51;
/** tickets per open month for a customer with one seat; more seats, more questions */
const MONTHLY_RATE = 0.12;
const FIRST_RESPONSE_MEDIAN_MIN: Record<string, number> = { urgent: 25, high: 60, normal: 180, low: 420 };

export const tickets: DemoStream = {
  name: "tickets",
  spec: {
    name: "tickets",
    description: "support tickets; a new row when a ticket is opened, first answered, and closed",
    primaryKey: ["ticket_id"],
    cursorField: "updated_at",
    columns: {
      ticket_id: "VARCHAR", customer_id: "VARCHAR", subject: "VARCHAR", channel: "VARCHAR", priority: "VARCHAR", status: "VARCHAR",
      opened_at: "TIMESTAMPTZ", first_response_at: "TIMESTAMPTZ", first_response_minutes: "INTEGER", closed_at: "TIMESTAMPTZ",
      satisfaction: "INTEGER", updated_at: "TIMESTAMPTZ",
    },
  },
  windowMs: DAY,
  leadMs: 0,
  *entity(world, index, signupAt) {
    // simulated to the end up front: a live customer then holds its spans, not a suspended billing life
    const spans = openSpans(lifeChunks(world.seed, index, signupAt, world.now));
    const rng = rngFor(world.seed, index, TICKETS);
    const cid = customerId(index);
    // a ticket's later versions wait here until no earlier version can still come
    const pending: Emitted[] = [];
    const release = function* (before: number) {
      pending.sort((a, b) => a.t - b.t);
      while (pending.length && pending[0]!.t <= before) yield pending.shift()!;
    };
    let n = 0;
    for (const span of spans) {
      const meanGap = (30 * DAY) / (MONTHLY_RATE * Math.sqrt(span.seats) * 2);
      for (let opened = span.from + exponential(rng, meanGap); ; opened += exponential(rng, meanGap)) {
        if (opened >= Math.min(span.to, world.now)) break;
        n++;
        const openedAt = toSecond(opened);
        yield* release(openedAt);
        const priority = weighted(rng, [["low", 25], ["normal", 50], ["high", 18], ["urgent", 7]] as const);
        const frm = Math.max(1, Math.round(FIRST_RESPONSE_MEDIAN_MIN[priority]! * Math.exp(0.8 * normal(rng))));
        const respondedAt = toSecond(openedAt + frm * MINUTE);
        const closedAt = toSecond(respondedAt + intBetween(rng, 1, 120) * HOUR);
        const base = {
          ticket_id: `tkt_${cid.slice(4)}_${String(n).padStart(3, "0")}`,
          customer_id: cid,
          subject: pick(rng, TICKET_TOPICS),
          channel: weighted(rng, [["email", 5], ["chat", 4], ["web", 2]] as const),
          priority,
          opened_at: iso(openedAt),
        };
        const satisfaction = rng() < 0.4 ? weighted(rng, [[5, 45], [4, 30], [3, 12], [2, 7], [1, 6]] as const) : null;
        const version = (t: number, v: number, record: Record<string, unknown>) =>
          pending.push({ t, visibleAt: v === 1 ? t : visibleAt(world.seed, t, TICKETS, index, n, v), record: { ...base, ...record, updated_at: iso(t) } });
        version(openedAt, 1, { status: "open", first_response_at: null, first_response_minutes: null, closed_at: null, satisfaction: null });
        version(respondedAt, 2, { status: "pending", first_response_at: iso(respondedAt), first_response_minutes: frm, closed_at: null, satisfaction: null });
        version(closedAt, 3, { status: "closed", first_response_at: iso(respondedAt), first_response_minutes: frm, closed_at: iso(closedAt), satisfaction });
      }
    }
    yield* release(Number.POSITIVE_INFINITY);
  },
};
