import type { Batch, RawRecord } from "../../engine/ingest/connector.ts";
import type { Emitted, World } from "./world.ts";

export const MAX_BATCH = 10_000;

export interface TimelineOptions {
  world: World;
  /** records are bucketed into windows of this size, then sorted inside the window */
  windowMs: number;
  /** how long before a customer's signup its records may start (CRM deals precede signup) */
  leadMs: number;
  /** emit only records with t > after (the cursor minus lookback) */
  after: number;
  entity(index: number, signupAt: number, after: number): Iterator<Emitted>;
}

interface Head {
  index: number;
  it: Iterator<Emitted>;
  next: Emitted;
}

/**
 * Merges every customer's time-ordered records into one stream ordered by the cursor,
 * holding only one window of records at a time. Customers join as their first record's
 * window comes up and leave when their records run past now.
 */
export function* timeline(opts: TimelineOptions): Generator<Emitted> {
  const { world, windowMs, leadMs, after } = opts;
  const buckets = new Map<number, Head[]>();
  const place = (h: Head, w: number) => {
    const b = Math.max(w, Math.floor(h.next.t / windowMs));
    const list = buckets.get(b);
    if (list) list.push(h);
    else buckets.set(b, [h]);
  };
  let nextIndex = 0;
  let nextSignup = world.signupAt(0);
  const firstWindow = Math.floor((world.start - leadMs) / windowMs);
  const lastWindow = Math.floor(world.now / windowMs);
  for (let w = firstWindow; w <= lastWindow; w++) {
    const windowEnd = (w + 1) * windowMs;
    while (nextSignup - leadMs < windowEnd) {
      const it = opts.entity(nextIndex, nextSignup, after);
      const first = it.next();
      if (!first.done) place({ index: nextIndex, it, next: first.value }, w);
      nextIndex++;
      nextSignup = world.signupAt(nextIndex);
    }
    const heads = buckets.get(w);
    if (!heads) continue;
    buckets.delete(w);
    const out: { e: Emitted; index: number }[] = [];
    for (const h of heads) {
      let done = false;
      while (h.next.t < windowEnd) {
        const e = h.next;
        if (shown(world, after, e)) out.push({ e, index: h.index });
        const n = h.it.next();
        if (n.done) {
          done = true;
          break;
        }
        h.next = n.value;
      }
      if (!done && h.next.t <= world.now) place(h, w + 1);
    }
    out.sort((a, b) => a.e.t - b.e.t || a.index - b.index);
    for (const o of out) yield o.e;
  }
}

/** A record is pulled once it happened inside the history, the source shows it, and it is past the cursor. */
export function shown(world: World, after: number, e: Emitted): boolean {
  return e.t >= world.start && e.t <= world.now && e.visibleAt <= world.now && e.t > after;
}

export function* batches(records: Iterable<Emitted>, cursorField: string): Generator<Batch> {
  const batcher = new Batcher(cursorField);
  for (const e of records) {
    const batch = batcher.push(e);
    if (batch) yield batch;
  }
  const last = batcher.end();
  if (last) yield last;
}

/**
 * Cuts the ordered records into batches of at most MAX_BATCH. A batch carries the cursor
 * only when every record at that cursor value is inside it, so a commit never skips a tie.
 */
class Batcher {
  private records: RawRecord[] = [];
  private lastT = Number.NEGATIVE_INFINITY;
  private lastCursor: string | undefined;

  constructor(private readonly cursorField: string) {}

  push(e: Emitted): Batch | undefined {
    let out: Batch | undefined;
    if (this.records.length >= MAX_BATCH) {
      out = { records: this.records };
      if (e.t > this.lastT) out.state = { cursor: this.lastCursor };
      this.records = [];
    }
    this.records.push(e.record);
    this.lastT = e.t;
    this.lastCursor = e.record[this.cursorField] as string;
    return out;
  }

  end(): Batch | undefined {
    if (this.records.length === 0) return undefined;
    const out: Batch = { records: this.records, state: { cursor: this.lastCursor } };
    this.records = [];
    return out;
  }
}
