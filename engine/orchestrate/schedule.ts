import { CronExpressionParser } from "cron-parser";
import { parseDuration } from "../clock.ts";
import { DpError } from "../errors.ts";

/**
 * A schedule is a series of slots; work is due when a slot has passed since its
 * last success. Missed slots collapse into one catch-up run, and a 5-minute cron
 * tick never drifts a "15m" schedule (slots are aligned, not "15m after last").
 */
export interface Schedule {
  text: string;
  /** the latest slot at or before `at` */
  lastSlot(at: Date): Date;
  nextSlot(at: Date): Date;
}

/** Used under `dp run --due` for sources and exports that declare no schedule. */
export const DEFAULT_SCHEDULE = "daily";

const DAILY_AT = /^daily at ([01]?\d|2[0-3]):([0-5]\d)(?:\s+(\S+))?$/;
const WEEKLY_ON = /^weekly(?: on (mon|tue|wed|thu|fri|sat|sun)\w*)?(?: at ([01]?\d|2[0-3]):([0-5]\d))?$/;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export function parseSchedule(text: string, where = "schedule"): Schedule {
  const t = text.trim().toLowerCase();
  const ms = parseDuration(t);
  if (ms !== undefined) {
    if (ms < 60_000) throw invalid(text, where, "the shortest schedule is 1m");
    return intervalSchedule(text, ms);
  }
  if (t === "hourly") return cronSchedule(text, "0 * * * *", where);
  if (t === "daily") return cronSchedule(text, "0 0 * * *", where);
  const daily = DAILY_AT.exec(t);
  if (daily)
    return cronSchedule(
      text,
      `${Number(daily[2])} ${Number(daily[1])} * * *`,
      where,
      daily[3] ? text.trim().split(/\s+/).pop() : undefined,
    );
  const weekly = WEEKLY_ON.exec(t);
  if (weekly) {
    const day = weekly[1] ? DAYS.indexOf(weekly[1]) : 1;
    return cronSchedule(text, `${Number(weekly[3] ?? 0)} ${Number(weekly[2] ?? 0)} * * ${day}`, where);
  }
  if (t.split(/\s+/).length === 5 || t.split(/\s+/).length === 6) return cronSchedule(text, text.trim(), where);
  throw invalid(
    text,
    where,
    'use "15m", "hourly", "daily", "daily at 06:00", "weekly on mon at 07:00" or cron syntax like "*/15 * * * *"',
  );
}

function intervalSchedule(text: string, ms: number): Schedule {
  return {
    text,
    lastSlot: (at) => new Date(Math.floor(at.getTime() / ms) * ms),
    nextSlot: (at) => new Date((Math.floor(at.getTime() / ms) + 1) * ms),
  };
}

/** Cron expressions are evaluated in UTC unless a time zone follows ("daily at 06:00 Europe/Berlin"). */
function cronSchedule(text: string, expression: string, where: string, tz = "UTC"): Schedule {
  const parse = (at: Date) => {
    try {
      return CronExpressionParser.parse(expression, { currentDate: at, tz });
    } catch (e) {
      throw invalid(
        text,
        where,
        'cron syntax is "minute hour day-of-month month day-of-week", e.g. "*/15 * * * *"',
        `not a valid cron expression: ${(e as Error).message}`,
      );
    }
  };
  parse(new Date(0));
  return {
    text,
    // prev() is strictly before currentDate; a slot exactly at `at` counts as passed
    lastSlot: (at) =>
      parse(new Date(at.getTime() + 1))
        .prev()
        .toDate(),
    nextSlot: (at) => parse(at).next().toDate(),
  };
}

function invalid(text: string, where: string, fix: string, reason?: string): DpError {
  return new DpError("CONFIG", `invalid schedule "${text}"${reason ? ` (${reason})` : ""}`, { where, fix });
}

export interface DueDecision {
  due: boolean;
  reason: string;
  /** the slot this run satisfies */
  slot?: string;
}

/** Due when the latest slot is later than the last success: once, however many slots were missed. */
export function isDue(schedule: Schedule, lastSuccessAt: string | undefined, at: Date): DueDecision {
  const slot = schedule.lastSlot(at);
  if (!lastSuccessAt) return { due: true, reason: "never ran", slot: slot.toISOString() };
  const last = new Date(lastSuccessAt);
  if (last.getTime() < slot.getTime()) {
    const missed = countSlots(schedule, last, at);
    return {
      due: true,
      reason:
        missed > 1
          ? `catching up ${missed} missed slots once (last success ${lastSuccessAt})`
          : `slot ${slot.toISOString()} passed`,
      slot: slot.toISOString(),
    };
  }
  return { due: false, reason: `next at ${schedule.nextSlot(at).toISOString()}` };
}

function countSlots(schedule: Schedule, from: Date, to: Date, cap = 1000): number {
  let n = 0;
  let t = schedule.nextSlot(from);
  while (t.getTime() <= to.getTime() && n < cap) {
    n++;
    t = schedule.nextSlot(t);
  }
  return n;
}
