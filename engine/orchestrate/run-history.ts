import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-write.ts";
import { withoutDataValues } from "../catalog/pii-mask.ts";
import type { Project } from "../config/project.ts";
import { redact } from "../secrets.ts";

export interface RunStepRecord {
  step: string;
  status: string;
  durationMs: number;
  rows?: number;
  detail?: string;
  /** what the step spent on model calls (the decide step) */
  costUsd?: number;
}

export interface RunRecord {
  run_id: string;
  command: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  /** success | failed | interrupted | idle | locked | running */
  status: string;
  steps: RunStepRecord[];
  error: string | null;
}

/**
 * One line per event, appended (one write() each, so concurrent invocations never interleave):
 * `start` when a command takes the lock, `end` when it lets go, `interrupted` written by the next
 * invocation for a start that has no end (its process was killed), `locked` for one that found the
 * lock held. The file lives beside the lock, not in the warehouse: a run that dies, fails to publish,
 * or never gets the lock is recorded all the same.
 */
type Event =
  | { event: "start"; run_id: string; command: string; at: string; pid: number }
  | {
      event: "end";
      run_id: string;
      at: string;
      duration_ms?: number;
      status: string;
      steps: RunStepRecord[];
      error: string | null;
    }
  | { event: "interrupted"; run_id: string; at: string; error: string }
  | { event: "locked"; run_id: string; command: string; at: string; error: string };

/** Compacted to its newest runs past this size: `dp run --due` every 5 minutes writes ~600 lines a day. */
const MAX_BYTES = 2 * 1024 * 1024;
const KEEP_RUNS = 5_000;

export function historyPath(project: Project): string {
  return join(project.paths.work, "runs.jsonl");
}

function append(project: Project, e: Event): void {
  mkdirSync(project.paths.work, { recursive: true });
  appendFileSync(historyPath(project), `${redact(JSON.stringify(e))}\n`);
}

function readEvents(project: Project): Event[] {
  const path = historyPath(project);
  if (!existsSync(path)) return [];
  const out: Event[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Event);
    } catch {
      // a line torn by a crash mid-write: the rest of the history stands
    }
  }
  return out;
}

/** Error text as it may be stored and shown: no secrets, no data values (a failing cast quotes the value). */
export function historyError(text: string | null | undefined): string | null {
  return text ? withoutDataValues(redact(text)).slice(0, 2_000) : null;
}

export function recordStart(project: Project, runId: string, command: string, at: Date): void {
  append(project, { event: "start", run_id: runId, command, at: at.toISOString(), pid: process.pid });
}

export function recordEnd(
  project: Project,
  runId: string,
  at: Date,
  outcome: { status: string; steps?: RunStepRecord[]; error?: string | null; durationMs?: number },
): void {
  append(project, {
    event: "end",
    run_id: runId,
    at: at.toISOString(),
    duration_ms: outcome.durationMs,
    status: outcome.status,
    steps: outcome.steps ?? [],
    error: historyError(outcome.error),
  });
}

export function recordLocked(project: Project, runId: string, command: string, at: Date, error: string): void {
  append(project, { event: "locked", run_id: runId, command, at: at.toISOString(), error: historyError(error)! });
}

/**
 * Called by whoever has just taken the lock: every run that started and never ended is dead (the
 * lock was free or stale, so its process is gone) and is marked interrupted now. Also compacts.
 */
export function markDeadRuns(project: Project, at: Date): string[] {
  const events = readEvents(project);
  const closed = new Set(events.filter((e) => e.event !== "start").map((e) => e.run_id));
  const dead = events.filter((e) => e.event === "start" && !closed.has(e.run_id)) as Extract<
    Event,
    { event: "start" }
  >[];
  for (const d of dead)
    append(project, {
      event: "interrupted",
      run_id: d.run_id,
      at: at.toISOString(),
      error: `dp ${d.command} (pid ${d.pid}) stopped without finishing: killed, out of memory or the machine went down`,
    });
  compact(project);
  return dead.map((d) => d.run_id);
}

function compact(project: Project): void {
  const path = historyPath(project);
  if (!existsSync(path) || statSync(path).size <= MAX_BYTES) return;
  const events = readEvents(project);
  const keep = new Set([...new Set(events.map((e) => e.run_id))].slice(-KEEP_RUNS));
  writeFileAtomic(
    path,
    `${events
      .filter((e) => keep.has(e.run_id))
      .map((e) => JSON.stringify(e))
      .join("\n")}\n`,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Newest first; idle `--due` firings (nothing was due) are left out unless asked for. */
export function listRuns(project: Project, limit = 20, options: { idle?: boolean } = {}): RunRecord[] {
  const runs = new Map<string, RunRecord>();
  for (const e of readEvents(project)) {
    if (e.event === "start" || e.event === "locked") {
      runs.set(e.run_id, {
        run_id: e.run_id,
        command: e.command,
        started_at: e.at,
        finished_at: e.event === "locked" ? e.at : null,
        duration_ms: e.event === "locked" ? 0 : null,
        // a start with no end: running while its process lives, else killed (the next invocation records that)
        status: e.event === "locked" ? "locked" : alive(e.pid) ? "running" : "interrupted",
        steps: [],
        error: e.event === "locked" ? e.error : null,
      });
      continue;
    }
    const run = runs.get(e.run_id);
    if (!run) continue;
    run.finished_at = e.at;
    // measured by the process itself: DP_NOW pins the clock the timestamps come from
    run.duration_ms =
      e.event === "end" && e.duration_ms !== undefined ? e.duration_ms : Date.parse(e.at) - Date.parse(run.started_at);
    run.status = e.event === "end" ? e.status : "interrupted";
    run.error = e.error;
    if (e.event === "end") run.steps = e.steps;
  }
  // newest first, in the order the invocations began (appended as they happened; DP_NOW may pin the stamps)
  return [...runs.values()]
    .reverse()
    .filter((r) => options.idle || r.status !== "idle")
    .slice(0, Math.max(1, Math.min(limit, 10_000)));
}
