import { room } from "../columns.ts";
import type { Span } from "../open-spans.ts";

/**
 * What every customer's events need (engagement and open spans) in flat columns, by the order
 * customers joined. The generator reads every live customer every day; as one object each, those
 * reads missed the CPU cache once the company outgrew it, and the time per event grew with the
 * number of customers.
 */
export class EventLives {
  private size = 0;
  private spanCount = 0;
  index = new Int32Array(1024);
  engagement = new Float64Array(1024);
  /** when the last span closed, or Infinity while one is open */
  endsAt = new Float64Array(1024);
  firstSpan = new Int32Array(1024);
  spans = new Int32Array(1024);
  from = new Float64Array(1024);
  to = new Float64Array(1024);
  seats = new Int32Array(1024);

  /** Adds a customer; what comes back is its slot in the columns. */
  join(index: number, engagement: number, spans: readonly Span[]): number {
    const slot = this.size++;
    this.index = room(this.index, this.size);
    this.engagement = room(this.engagement, this.size);
    this.endsAt = room(this.endsAt, this.size);
    this.firstSpan = room(this.firstSpan, this.size);
    this.spans = room(this.spans, this.size);
    this.index[slot] = index;
    this.engagement[slot] = engagement;
    this.endsAt[slot] = spans.reduce((end, s) => Math.max(end, s.to), Number.NEGATIVE_INFINITY);
    this.firstSpan[slot] = this.spanCount;
    this.spans[slot] = spans.length;
    this.from = room(this.from, this.spanCount + spans.length);
    this.to = room(this.to, this.spanCount + spans.length);
    this.seats = room(this.seats, this.spanCount + spans.length);
    for (const s of spans) {
      this.from[this.spanCount] = s.from;
      this.to[this.spanCount] = s.to;
      this.seats[this.spanCount] = s.seats;
      this.spanCount++;
    }
    return slot;
  }
}
