import type { LifeChunk } from "./lifecycle.ts";

/** A stretch with an open subscription (trialing, active or past due); `to` is Infinity while it lasts. */
export interface Span {
  from: number;
  to: number;
  /** seats at the start: later changes must not reach back, or the past would shift as now moves */
  seats: number;
}

/**
 * The open stretches of one customer's life. A life simulated to now is a few spans, so a
 * reader keeps them instead of a suspended simulation per live customer.
 */
export function openSpans(chunks: Iterable<LifeChunk>): Span[] {
  const spans: Span[] = [];
  let open: Span | null = null;
  for (const chunk of chunks) {
    for (const v of chunk.versions) {
      if (v.status === "canceled") {
        if (open) open.to = v.at;
        open = null;
      } else if (!open) {
        open = { from: v.at, to: Number.POSITIVE_INFINITY, seats: v.quantity };
        spans.push(open);
      }
    }
  }
  return spans;
}
