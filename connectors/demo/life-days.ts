import { lifeChunks, type LifeCheckpoint, type LifeChunk } from "./lifecycle.ts";
import { byDay } from "./days.ts";
import { DAY } from "./time.ts";
import type { Emitted, World } from "./world.ts";

/** One kind of billing fact (subscription versions, invoices, payments) and the records it becomes. */
export interface LifeStream<F> {
  facts(chunk: LifeChunk): F[];
  at(fact: F): number;
  /** the records of the n-th fact of this kind in the life (from 1); prev is the fact before it */
  records(world: World, index: number, fact: F, n: number, prev: F | undefined): Emitted[];
}

interface Live<F> {
  index: number;
  signupAt: number;
  /** where the current chunk starts; undefined at signup */
  from: LifeCheckpoint | undefined;
  /** facts of this kind before the current chunk, and how many of its own are out */
  before: number;
  out: number;
  prev: F | undefined;
  nextAt: number;
  over: boolean;
}

/**
 * Billing records a day at a time. A live customer is a checkpoint of its life, not a suspended
 * simulation: the chunk with its next facts is simulated again from the checkpoint on each day
 * it has some, so a customer costs a few numbers.
 */
export function lifeDays<F>(world: World, stream: LifeStream<F>): Generator<Emitted> {
  return byDay(
    world,
    (index, signupAt): Live<F> => ({ index, signupAt, from: undefined, before: 0, out: 0, prev: undefined, nextAt: signupAt, over: false }),
    (live, day, out) => {
      const dayEnd = (day + 1) * DAY;
      if (live.nextAt < dayEnd) advance(world, stream, live, dayEnd, out);
      return !live.over;
    },
    { wake: (live) => Math.floor(live.nextAt / DAY) },
  );
}

function advance<F>(world: World, stream: LifeStream<F>, live: Live<F>, dayEnd: number, out: Emitted[]): void {
  for (;;) {
    const chunk = lifeChunks(world.seed, live.index, live.signupAt, world.now, live.from).next().value!;
    const facts = stream.facts(chunk);
    while (live.out < facts.length && stream.at(facts[live.out]!) < dayEnd) {
      const fact = facts[live.out]!;
      out.push(...stream.records(world, live.index, fact, live.before + live.out + 1, live.prev));
      live.prev = fact;
      live.out++;
    }
    if (live.out < facts.length) {
      live.nextAt = stream.at(facts[live.out]!);
      return;
    }
    if (!chunk.rest) {
      live.over = true;
      return;
    }
    // the next chunk happens after `until`, so it is simulated on that day, not now as well
    live.from = chunk.rest;
    live.before += facts.length;
    live.out = 0;
    live.nextAt = chunk.until;
    if (live.nextAt >= dayEnd) return;
  }
}
