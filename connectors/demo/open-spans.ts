import type { LifeChunk } from "./lifecycle.ts";

/** A stretch with an open subscription (trialing, active or past due); `to` is Infinity while it lasts. */
export interface Span {
  from: number;
  to: number;
  /** seats at the start: later changes must not reach back, or the past would shift as now moves */
  seats: number;
}

/** The open stretches of one customer's life, learned lazily one billing period at a time. */
export class OpenSpans {
  private readonly spans: Span[] = [];
  private open: Span | null = null;
  private knownUntil = Number.NEGATIVE_INFINITY;
  private done = false;

  constructor(private readonly chunks: Iterator<LifeChunk>) {}

  /** Simulate until everything before t is known (or the life is over). */
  learnUntil(t: number): void {
    while (!this.done && this.knownUntil <= t) {
      const next = this.chunks.next();
      if (next.done) {
        this.done = true;
        this.knownUntil = Number.POSITIVE_INFINITY;
        return;
      }
      for (const v of next.value.versions) {
        if (v.status === "canceled") {
          if (this.open) this.open.to = v.at;
          this.open = null;
        } else if (!this.open) {
          this.open = { from: v.at, to: Number.POSITIVE_INFINITY, seats: v.quantity };
          this.spans.push(this.open);
        }
      }
      this.knownUntil = next.value.until;
    }
  }

  /** The i-th span, or undefined when the life has no more. */
  span(i: number): Span | undefined {
    while (this.spans.length <= i && !this.done) this.learnUntil(this.knownUntil);
    return this.spans[i];
  }

  overlapping(lo: number, hi: number): Span[] {
    this.learnUntil(hi);
    return this.spans.filter((s) => s.from < hi && s.to > lo);
  }

  /** Nothing is open at or after t, and nothing will open again. */
  endedBy(t: number): boolean {
    this.learnUntil(t);
    return this.done && this.spans.every((s) => s.to <= t);
  }
}
