import { EVENT_TYPES } from "../catalog.ts";
import { customerId, lifeChunks } from "../lifecycle.ts";
import { byDay } from "../days.ts";
import { openSpans, type Span } from "../open-spans.ts";
import { intBetween, normal, pick, poisson, rngFor, weighted, type Rng } from "../random.ts";
import { DAY, HOUR, iso, toSecond } from "../time.ts";
import type { Emitted, World } from "../world.ts";
import type { DemoStream } from "./stream.ts";

const ENGAGEMENT = 41;
const EVENTS = 42;
/** weekdays carry the load; the factors average to 1 over a week (index 0 = Sunday) */
const DAY_OF_WEEK = [0.375, 1.25, 1.25, 1.25, 1.25, 1.25, 0.375];

export const events: DemoStream = {
  name: "events",
  spec: {
    name: "events",
    description: "product usage events from the app's tracking; append-only, a few sent twice or late",
    primaryKey: ["event_id"],
    cursorField: "occurred_at",
    columns: { event_id: "VARCHAR", customer_id: "VARCHAR", user_id: "VARCHAR", event_type: "VARCHAR", occurred_at: "TIMESTAMPTZ", properties: "JSON" },
  },
  ordered: dailyEvents,
};

/** What a live customer's events need: its open spans, simulated once when it signs up. */
interface Life {
  index: number;
  slug: string;
  cid: string;
  engagement: number;
  spans: Span[];
  /** when its last span closed, or Infinity while one is open */
  endsAt: number;
}

/**
 * Each day draws from its own seed, so the events come out a day at a time for every live
 * customer at once: a live customer costs its spans, not a suspended simulation.
 */
function dailyEvents(world: World, after: number): Generator<Emitted> {
  return byDay(
    world,
    (index, signupAt) => lifeOf(world, index, signupAt),
    (life, day, out) => {
      if (life.endsAt <= day * DAY) return false;
      if ((day + 1) * DAY > after) dayOf(world, life, day, out);
      return true;
    },
  );
}

function lifeOf(world: World, index: number, signupAt: number): Life {
  const spans = openSpans(lifeChunks(world.seed, index, signupAt, world.now));
  const eRng = rngFor(world.seed, index, ENGAGEMENT);
  const engagement = Math.exp(0.6 * normal(eRng) - 0.18);
  const cid = customerId(index);
  return { index, slug: cid.slice(4), cid, engagement, spans, endsAt: spans.reduce((end, s) => Math.max(end, s.to), Number.NEGATIVE_INFINITY) };
}

function dayOf(world: World, life: Life, day: number, out: Emitted[]): void {
  const { index, slug, cid, engagement } = life;
  const dayStart = day * DAY;
  const dayEnd = dayStart + DAY;
  const parts = life.spans.filter((s) => s.from < dayEnd && s.to > dayStart).map((s) => ({ lo: Math.max(s.from, dayStart), hi: Math.min(s.to, dayEnd), seats: s.seats }));
  const openMs = parts.reduce((sum, p) => sum + (p.hi - p.lo), 0);
  if (openMs <= 0) return;
  const rng = rngFor(world.seed, EVENTS, index, day);
  const dow = DAY_OF_WEEK[new Date(dayStart).getUTCDay()]!;
  const n = poisson(rng, world.eventsPerActiveDay * engagement * dow * (openMs / DAY));
  if (n === 0) return;
  const offsets: number[] = [];
  for (let k = 0; k < n; k++) offsets.push(openMs * ((rng() + rng()) / 2));
  offsets.sort((a, b) => a - b);
  let part = 0;
  let skipped = 0;
  for (let k = 0; k < n; k++) {
    let offset = offsets[k]! - skipped;
    while (offset >= parts[part]!.hi - parts[part]!.lo && part < parts.length - 1) {
      skipped += parts[part]!.hi - parts[part]!.lo;
      offset -= parts[part]!.hi - parts[part]!.lo;
      part++;
    }
    const p = parts[part]!;
    const t = toSecond(p.lo + offset);
    const type = weighted(rng, EVENT_TYPES);
    const seat = intBetween(rng, 1, p.seats);
    const props = properties(type, rng);
    const late = rng() < 0.01 ? intBetween(rng, 1, 6) * HOUR : 0;
    const e = new DayEvent(t, t + late, slug, cid, day, k, seat, type, props);
    out.push(e);
    if (rng() < 0.005) out.push(e);
  }
}

/**
 * A day of every live customer's events is held until it is sorted: the record's strings are made
 * when it is read, so that day holds numbers, not ≈5 strings an event (the garbage collector's work
 * grew with that day's size, which grows with the customers).
 */
class DayEvent implements Emitted {
  private made?: Emitted["record"];

  constructor(
    readonly t: number,
    readonly visibleAt: number,
    private readonly slug: string,
    private readonly cid: string,
    private readonly day: number,
    private readonly k: number,
    private readonly seat: number,
    private readonly type: string,
    private readonly props: Record<string, unknown>,
  ) {}

  get record(): Emitted["record"] {
    return (this.made ??= {
      event_id: `evt_${this.slug}_${this.day}_${this.k}`,
      customer_id: this.cid,
      user_id: `usr_${this.slug}_${String(this.seat).padStart(2, "0")}`,
      event_type: this.type,
      occurred_at: iso(this.t),
      properties: this.props,
    });
  }
}

function properties(type: string, rng: Rng): Record<string, unknown> {
  switch (type) {
    case "page_view":
      return { path: pick(rng, ["/home", "/dashboards", "/reports", "/settings", "/integrations", "/billing"]), duration_ms: intBetween(rng, 200, 90_000) };
    case "login":
      return { method: pick(rng, ["password", "google", "google", "sso"]) };
    case "dashboard_viewed":
      return { dashboard_id: intBetween(rng, 1, 40) };
    case "report_created":
      return { report_id: intBetween(rng, 1, 100_000), chart: pick(rng, ["line", "bar", "table", "pie"]) };
    case "query_run":
      return { rows: intBetween(rng, 0, 50_000), duration_ms: intBetween(rng, 20, 8_000) };
    case "export_csv":
      return { rows: intBetween(rng, 1, 20_000) };
    case "invite_sent":
      return { role: pick(rng, ["member", "member", "admin", "viewer"]) };
    case "integration_connected":
      return { integration: pick(rng, ["slack", "hubspot", "salesforce", "stripe", "google_sheets"]) };
    default:
      return { endpoint: pick(rng, ["/v1/reports", "/v1/metrics", "/v1/users"]), status: rng() < 0.97 ? 200 : pick(rng, [429, 500]) };
  }
}
