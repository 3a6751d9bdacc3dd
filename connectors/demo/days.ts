import { DAY } from "./time.ts";
import { WakeQueue } from "./wake-queue.ts";
import type { Emitted, World } from "./world.ts";

/**
 * A stream made a day at a time for every live customer at once. Customers join on their signup
 * day (less the lead) and leave when `day` says they have nothing more; each day comes out in time order, ties
 * in customer order, then in the customer's own order. What a live customer costs is whatever
 * `join` returns, so memory is that per customer plus one day of records.
 */
export function byDay<L>(
  world: World,
  join: (index: number, signupAt: number) => L,
  day: (live: L, day: number, out: Emitted[]) => boolean,
  options: {
    /** how long before signup a customer's records may start (CRM deals precede signup) */
    leadMs?: number;
    /**
     * The first day after a visit on which `day` could do anything for this customer; without it
     * every live customer is visited every day. Days skipped must be ones where `day` would have
     * changed nothing and given nothing.
     */
    wake?: (live: L) => number;
  } = {},
): Generator<Emitted> {
  const records: Emitted[] = [];
  const drain = () => records.splice(0).sort((a, b) => a.t - b.t);
  if (options.wake)
    return byWake(world, join, (live, d) => day(live, d, records), options.wake, drain, options.leadMs ?? 0);
  return byDayInto(world, join, (live, d) => day(live, d, records), drain, options.leadMs ?? 0);
}

function* byWake<L>(
  world: World,
  join: (index: number, signupAt: number) => L,
  day: (live: L, day: number) => boolean,
  wake: (live: L) => number,
  drain: (day: number) => Iterable<Emitted>,
  leadMs: number,
): Generator<Emitted> {
  const queue = new WakeQueue<L>();
  let nextIndex = 0;
  let nextSignup = world.signupAt(0);
  for (let d = Math.floor((nextSignup - leadMs) / DAY); d * DAY <= world.now; d++) {
    while (Math.floor((nextSignup - leadMs) / DAY) <= d) {
      queue.join(join(nextIndex, nextSignup), d);
      nextSignup = world.signupAt(++nextIndex);
    }
    for (const seq of queue.due(d)) {
      const live = queue.live(seq);
      if (day(live, d)) queue.sleep(seq, Math.max(d + 1, wake(live)));
      else queue.leave(seq);
    }
    yield* drain(d);
  }
}

/**
 * byDay for a stream that keeps a day in a form of its own: `day` adds a live customer's day to it,
 * and `drain` hands the whole day over in time order (ties in the order added) and empties it.
 */
export function* byDayInto<L>(
  world: World,
  join: (index: number, signupAt: number) => L,
  day: (live: L, day: number) => boolean,
  drain: (day: number) => Iterable<Emitted>,
  leadMs = 0,
): Generator<Emitted> {
  const lives: L[] = [];
  let nextIndex = 0;
  let nextSignup = world.signupAt(0);
  for (let d = Math.floor((nextSignup - leadMs) / DAY); d * DAY <= world.now; d++) {
    while (Math.floor((nextSignup - leadMs) / DAY) <= d) {
      lives.push(join(nextIndex, nextSignup));
      nextSignup = world.signupAt(++nextIndex);
    }
    let kept = 0;
    for (const live of lives) if (day(live, d)) lives[kept++] = live;
    lives.length = kept;
    yield* drain(d);
  }
}
