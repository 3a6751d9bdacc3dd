import { TICKET_TOPICS } from "../company.ts";
import { customerId, lifeChunks } from "../lifecycle.ts";
import { byDay } from "../days.ts";
import { openSpans, type Span } from "../open-spans.ts";
import { exponential, intBetween, normal, pick, rngFor, weighted, type Rng } from "../random.ts";
import { DAY, HOUR, MINUTE, iso, toSecond } from "../time.ts";
import type { Emitted, World } from "../world.ts";
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
      ticket_id: "VARCHAR",
      customer_id: "VARCHAR",
      subject: "VARCHAR",
      channel: "VARCHAR",
      priority: "VARCHAR",
      status: "VARCHAR",
      opened_at: "TIMESTAMPTZ",
      first_response_at: "TIMESTAMPTZ",
      first_response_minutes: "INTEGER",
      closed_at: "TIMESTAMPTZ",
      satisfaction: "INTEGER",
      updated_at: "TIMESTAMPTZ",
    },
  },
  ordered: (world) =>
    byDay(
      world,
      (index, signupAt) => customerTickets(world, index, signupAt),
      (c, day, out) => ticketDay(world, c, day, out),
      {
        wake: (c) => Math.floor(Math.min(toSecond(c.opened), c.pending[0]?.t ?? Infinity) / DAY),
      },
    ),
};

/** A live customer between tickets: its spans, where its ticket draws stand, and the versions still to come. */
interface Customer {
  index: number;
  cid: string;
  spans: Span[];
  rng: Rng;
  span: number;
  /** when the next ticket opens; Infinity when no other will */
  opened: number;
  n: number;
  /** versions of open tickets, waiting for their day */
  pending: Emitted[];
}

function customerTickets(world: World, index: number, signupAt: number): Customer {
  const spans = openSpans(lifeChunks(world.seed, index, signupAt, world.now));
  const c: Customer = {
    index,
    cid: customerId(index),
    spans,
    rng: rngFor(world.seed, index, TICKETS),
    span: -1,
    opened: Infinity,
    n: 0,
    pending: [],
  };
  nextSpan(world, c);
  return c;
}

function meanGap(span: Span): number {
  return (30 * DAY) / (MONTHLY_RATE * Math.sqrt(span.seats) * 2);
}

/** The first ticket of the next span that has one. */
function nextSpan(world: World, c: Customer): void {
  for (c.span++; c.span < c.spans.length; c.span++) {
    const span = c.spans[c.span]!;
    c.opened = span.from + exponential(c.rng, meanGap(span));
    if (c.opened < Math.min(span.to, world.now)) return;
  }
  c.opened = Infinity;
}

/** Opens every ticket that opens before the day ends, then lets out the versions of that day; false once nothing is left. */
function ticketDay(world: World, c: Customer, day: number, out: Emitted[]): boolean {
  const dayEnd = (day + 1) * DAY;
  while (toSecond(c.opened) < dayEnd) {
    openTicket(world, c);
    const span = c.spans[c.span]!;
    c.opened += exponential(c.rng, meanGap(span));
    if (c.opened >= Math.min(span.to, world.now)) nextSpan(world, c);
  }
  // stable: versions at the same second keep the order they were made in
  c.pending.sort((a, b) => a.t - b.t);
  let due = 0;
  while (due < c.pending.length && c.pending[due]!.t < dayEnd) out.push(c.pending[due++]!);
  if (due > 0) c.pending.splice(0, due);
  return c.opened !== Infinity || c.pending.length > 0;
}

function openTicket(world: World, c: Customer): void {
  const { rng, cid, index } = c;
  const n = ++c.n;
  const openedAt = toSecond(c.opened);
  const priority = weighted(rng, [
    ["low", 25],
    ["normal", 50],
    ["high", 18],
    ["urgent", 7],
  ] as const);
  const frm = Math.max(1, Math.round(FIRST_RESPONSE_MEDIAN_MIN[priority]! * Math.exp(0.8 * normal(rng))));
  const respondedAt = toSecond(openedAt + frm * MINUTE);
  const closedAt = toSecond(respondedAt + intBetween(rng, 1, 120) * HOUR);
  const base = {
    ticket_id: `tkt_${cid.slice(4)}_${String(n).padStart(3, "0")}`,
    customer_id: cid,
    subject: pick(rng, TICKET_TOPICS),
    channel: weighted(rng, [
      ["email", 5],
      ["chat", 4],
      ["web", 2],
    ] as const),
    priority,
    opened_at: iso(openedAt),
  };
  const satisfaction =
    rng() < 0.4
      ? weighted(rng, [
          [5, 45],
          [4, 30],
          [3, 12],
          [2, 7],
          [1, 6],
        ] as const)
      : null;
  const version = (t: number, v: number, record: Record<string, unknown>) =>
    c.pending.push({
      t,
      visibleAt: v === 1 ? t : visibleAt(world.seed, t, TICKETS, index, n, v),
      record: { ...base, ...record, updated_at: iso(t) },
    });
  version(openedAt, 1, {
    status: "open",
    first_response_at: null,
    first_response_minutes: null,
    closed_at: null,
    satisfaction: null,
  });
  version(respondedAt, 2, {
    status: "pending",
    first_response_at: iso(respondedAt),
    first_response_minutes: frm,
    closed_at: null,
    satisfaction: null,
  });
  version(closedAt, 3, {
    status: "closed",
    first_response_at: iso(respondedAt),
    first_response_minutes: frm,
    closed_at: iso(closedAt),
    satisfaction,
  });
}
