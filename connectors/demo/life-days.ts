import { PLANS } from "./company.ts";
import { Table } from "./columns.ts";
import { lifeChunks, SUB_STATUSES, type LifeCheckpoint, type LifeChunk } from "./lifecycle.ts";
import { byDay } from "./days.ts";
import { DAY } from "./time.ts";
import type { Emitted, World } from "./world.ts";

/** One kind of billing fact (subscription versions, invoices, payments) and the records it becomes. */
export interface LifeStream<F> {
  facts(chunk: LifeChunk): F[];
  at(fact: F): number;
  /** facts with the same series number continue one another (a subscription's versions) */
  series?(fact: F): number;
  /** the records of the n-th fact of this kind in the life (from 1); `startsSeries` when the fact before it was of another series, or none */
  records(world: World, index: number, fact: F, n: number, startsSeries: boolean): Emitted[];
}

/**
 * What a live customer is between its billing days, one row each: where its current chunk starts
 * (the checkpoint, `at` unset at signup), how many facts of this kind came before that chunk and
 * how many of the chunk's are out, the series of the last one out, and when the next is due.
 */
const COLUMNS = [
  "index",
  "signupAt",
  "before",
  "out",
  "prevSeries",
  "nextAt",
  "over",
  "at",
  "rng",
  "subNo",
  "invoiceNo",
  "paymentNo",
  "startAt",
  "withTrial",
  "renewal",
  "plan",
  "quantity",
  "status",
  "trialEndsAt",
  "periodStart",
] as const;

/**
 * Billing records a day at a time. A live customer is a checkpoint of its life, not a suspended
 * simulation: the chunk with its next facts is simulated again from the checkpoint on each day
 * it has some. The checkpoints are rows of numbers, not objects: a live object per customer,
 * made at different times, kept the collector's heap growing with the company.
 */
export function lifeDays<F>(world: World, stream: LifeStream<F>): Generator<Emitted> {
  const lives = new Table(COLUMNS);
  return byDay(
    world,
    (index, signupAt) => {
      const row = lives.add();
      const c = lives.col;
      c.index[row] = index;
      c.signupAt[row] = signupAt;
      c.before[row] = 0;
      c.out[row] = 0;
      c.prevSeries[row] = Number.NaN;
      c.nextAt[row] = signupAt;
      c.over[row] = 0;
      c.at[row] = 0;
      return row;
    },
    (row, day, out) => {
      const dayEnd = (day + 1) * DAY;
      if (lives.col.nextAt[row]! < dayEnd) advance(world, stream, lives, row, dayEnd, out);
      if (!lives.col.over[row]) return true;
      lives.remove(row);
      return false;
    },
    { wake: (row) => Math.floor(lives.col.nextAt[row]! / DAY) },
  );
}

function advance<F>(
  world: World,
  stream: LifeStream<F>,
  lives: Table<(typeof COLUMNS)[number]>,
  row: number,
  dayEnd: number,
  out: Emitted[],
): void {
  const c = lives.col;
  const index = c.index[row]!;
  for (;;) {
    const chunk = lifeChunks(world.seed, index, c.signupAt[row]!, world.now, checkpointAt(lives, row)).next().value!;
    const facts = stream.facts(chunk);
    while (c.out[row]! < facts.length && stream.at(facts[c.out[row]!]!) < dayEnd) {
      const fact = facts[c.out[row]!]!;
      const series = stream.series?.(fact) ?? 0;
      out.push(...stream.records(world, index, fact, c.before[row]! + c.out[row]! + 1, series !== c.prevSeries[row]));
      c.prevSeries[row] = series;
      c.out[row]!++;
    }
    if (c.out[row]! < facts.length) {
      c.nextAt[row] = stream.at(facts[c.out[row]!]!);
      return;
    }
    if (!chunk.rest) {
      c.over[row] = 1;
      return;
    }
    // the next chunk happens after `until`, so it is simulated on that day, not now as well
    keepCheckpoint(lives, row, chunk.rest);
    c.before[row]! += facts.length;
    c.out[row] = 0;
    c.nextAt[row] = chunk.until;
    if (chunk.until >= dayEnd) return;
  }
}

function keepCheckpoint(lives: Table<(typeof COLUMNS)[number]>, row: number, cp: LifeCheckpoint): void {
  const c = lives.col;
  c.at[row] = 1;
  c.rng[row] = cp.rng;
  c.subNo[row] = cp.subNo;
  c.invoiceNo[row] = cp.invoiceNo;
  c.paymentNo[row] = cp.paymentNo;
  c.startAt[row] = cp.startAt;
  c.withTrial[row] = cp.withTrial ? 1 : 0;
  c.renewal[row] = cp.renewal ? 1 : 0;
  if (!cp.renewal) return;
  c.plan[row] = PLANS.indexOf(cp.renewal.plan);
  c.quantity[row] = cp.renewal.quantity;
  c.status[row] = SUB_STATUSES.indexOf(cp.renewal.status);
  c.trialEndsAt[row] = cp.renewal.trialEndsAt ?? Number.NaN;
  c.periodStart[row] = cp.renewal.periodStart;
}

function checkpointAt(lives: Table<(typeof COLUMNS)[number]>, row: number): LifeCheckpoint | undefined {
  const c = lives.col;
  if (!c.at[row]) return undefined;
  const trialEndsAt = c.trialEndsAt[row]!;
  return {
    rng: c.rng[row]!,
    subNo: c.subNo[row]!,
    invoiceNo: c.invoiceNo[row]!,
    paymentNo: c.paymentNo[row]!,
    startAt: c.startAt[row]!,
    withTrial: c.withTrial[row] === 1,
    renewal: c.renewal[row]
      ? {
          plan: PLANS[c.plan[row]!]!,
          quantity: c.quantity[row]!,
          status: SUB_STATUSES[c.status[row]!]!,
          trialEndsAt: Number.isNaN(trialEndsAt) ? null : trialEndsAt,
          periodStart: c.periodStart[row]!,
        }
      : undefined,
  };
}
