import { HOUR } from "../time.ts";
import { rngFor } from "../random.ts";

/** The imperfections of real sources, each decided by its own seeded draw so streams stay independent. */
const LATE = 11;
const DUPLICATE = 12;
const CURRENCY = 13;

/**
 * About 2% of updates show up in the source 1–18 hours after they happened. Callers never delay
 * a creation row, so a child (payment, invoice) is never visible before its parent.
 */
export function visibleAt(seed: number, t: number, ...key: number[]): number {
  const rng = rngFor(seed, LATE, ...key);
  return rng() < 0.02 ? t + Math.ceil(rng() * 18) * HOUR : t;
}

export function isDuplicated(seed: number, rate: number, ...key: number[]): boolean {
  return rngFor(seed, DUPLICATE, ...key)() < rate;
}

/** Stripe says "usd"; an older integration wrote "USD". */
export function currencyCode(seed: number, ...key: number[]): string {
  return rngFor(seed, CURRENCY, ...key)() < 0.1 ? "USD" : "usd";
}
