import { EVENT_TYPES } from "../company.ts";
import { lifeChunks } from "../lifecycle.ts";
import { byDayInto } from "../days.ts";
import { openSpans } from "../open-spans.ts";
import { intBetween, normal, poisson, rngFor, weightedIndex } from "../random.ts";
import { DAY, HOUR, toSecond } from "../time.ts";
import { EventDay } from "./event-day.ts";
import { EventLives } from "./event-lives.ts";
import { PROPERTIES } from "./event-properties.ts";
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
    columns: {
      event_id: "VARCHAR",
      customer_id: "VARCHAR",
      user_id: "VARCHAR",
      event_type: "VARCHAR",
      occurred_at: "TIMESTAMPTZ",
      properties: "JSON",
    },
  },
  ordered: dailyEvents,
};

/**
 * Each day draws from its own seed, so the events come out a day at a time for every live
 * customer at once: a live customer costs its spans, not a suspended simulation.
 */
function dailyEvents(world: World, after: number): Generator<Emitted> {
  const lives = new EventLives();
  const today = new EventDay();
  return byDayInto(
    world,
    (index, signupAt) => join(world, lives, index, signupAt),
    (slot, day) => {
      if (lives.endsAt[slot]! <= day * DAY) return false;
      if ((day + 1) * DAY > after) dayOf(world, lives, slot, day, today);
      return true;
    },
    (day) => today.drain(day),
  );
}

function join(world: World, lives: EventLives, index: number, signupAt: number): number {
  const spans = openSpans(lifeChunks(world.seed, index, signupAt, world.now));
  const eRng = rngFor(world.seed, index, ENGAGEMENT);
  return lives.join(index, Math.exp(0.6 * normal(eRng) - 0.18), spans);
}

function dayOf(world: World, lives: EventLives, slot: number, day: number, today: EventDay): void {
  const dayStart = day * DAY;
  const dayEnd = dayStart + DAY;
  const first = lives.firstSpan[slot]!;
  const last = first + lives.spans[slot]!;
  const { from, to, seats } = lives;
  let openMs = 0;
  for (let s = first; s < last; s++)
    if (from[s]! < dayEnd && to[s]! > dayStart) openMs += Math.min(to[s]!, dayEnd) - Math.max(from[s]!, dayStart);
  if (openMs <= 0) return;
  const index = lives.index[slot]!;
  const rng = rngFor(world.seed, EVENTS, index, day);
  // day 0 (1970-01-01) was a Thursday
  const dow = DAY_OF_WEEK[(((day + 4) % 7) + 7) % 7]!;
  const n = poisson(rng, world.eventsPerActiveDay * lives.engagement[slot]! * dow * (openMs / DAY));
  if (n === 0) return;
  const parts: { lo: number; hi: number; seats: number }[] = [];
  for (let s = first; s < last; s++)
    if (from[s]! < dayEnd && to[s]! > dayStart)
      parts.push({ lo: Math.max(from[s]!, dayStart), hi: Math.min(to[s]!, dayEnd), seats: seats[s]! });
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
    const type = weightedIndex(rng, EVENT_TYPES);
    const seat = intBetween(rng, 1, p.seats);
    const props = PROPERTIES[type]!;
    const a = props.drawA(rng);
    const b = props.drawB(rng);
    const late = rng() < 0.01 ? intBetween(rng, 1, 6) * HOUR : 0;
    today.push(index, t, t + late, k, seat, type, a, b);
    if (rng() < 0.005) today.push(index, t, t + late, k, seat, type, a, b);
  }
}
