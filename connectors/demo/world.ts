import type { RawRecord } from "../../engine/ingest/connector.ts";
import { customersAtHorizon, historyStart, type DemoConfig } from "./config.ts";
import { rngFor } from "./random.ts";
import { DAY, toSecond } from "./time.ts";

/** The demo company as a pure function of (seed, scale, start); `now` only decides how much of it is visible. */
export interface World {
  seed: number;
  start: number;
  now: number;
  /** customers signed up by start + 18 months */
  scale: number;
  eventsPerActiveDay: number;
  signupAt(index: number): number;
}

/** A record with the moment it happened (cursor) and the moment the source shows it (late arrivals). */
export interface Emitted {
  t: number;
  visibleAt: number;
  record: RawRecord;
}

const HORIZON = 548 * DAY;
/** Cumulative signups grow as t^1.3: a company that is speeding up. */
const GROWTH = 1.3;
const SIGNUP = 2;

export function makeWorld(config: DemoConfig, now: Date): World {
  const seed = config.seed;
  const start = historyStart(config, now);
  const scale = customersAtHorizon(config);
  return {
    seed,
    start,
    now: now.getTime(),
    scale,
    eventsPerActiveDay: config.events_per_active_day,
    signupAt(index) {
      const u = rngFor(seed, index, SIGNUP)();
      return toSecond(start + HORIZON * ((index + u) / scale) ** (1 / GROWTH));
    },
  };
}
