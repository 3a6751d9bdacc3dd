import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { formatAge, now } from "../clock.ts";
import { DpError } from "../errors.ts";
import { newRunId } from "../ingest/lake-writer.ts";
import { log } from "../log.ts";
import type { Project } from "../config/project.ts";
import { alertLockHeld } from "./alerts.ts";
import { receivedSignal } from "./interrupt.ts";
import { markDeadRuns, recordEnd, recordLocked, recordStart } from "./run-history.ts";
import { summarizeRun } from "./run-summary.ts";

export interface LockInfo {
  pid: number;
  started_at: string;
  command: string;
  /** the holder's start time in clock ticks since boot (Linux), so a recycled pid is not mistaken for the holder */
  proc_start?: string;
}

export type LockStatus =
  | { state: "free" }
  | { state: "held"; holder: LockInfo }
  | { state: "stale"; holder?: LockInfo };

/** `run` guards every writer of the lake and warehouse; `serve` allows one webhook receiver per project. */
export type LockName = "run" | "serve";

export function lockPath(project: Project, name: LockName = "run"): string {
  return join(project.paths.work, `${name}.lock`);
}

function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the parenthesised command name; starttime is field 22
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function alive(holder: LockInfo): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const start = holder.proc_start && procStart(holder.pid);
  return !start || start === holder.proc_start;
}

export function readLock(project: Project, name: LockName = "run"): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(project, name), "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

export function lockStatus(project: Project): LockStatus {
  const holder = readLock(project);
  if (!holder) {
    try {
      statSync(lockPath(project));
      return { state: "stale" };
    } catch {
      return { state: "free" };
    }
  }
  return alive(holder) ? { state: "held", holder } : { state: "stale", holder };
}

function tryCreate(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(info));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * One writer per project: a lock file created with O_EXCL. A dead holder's lock is
 * taken over under a short second lock, so two runs racing for a stale lock cannot
 * both win (the loser re-reads the winner's fresh lock and exits 3).
 */
export function acquireLock(project: Project, command: string, name: LockName = "run"): () => void {
  mkdirSync(project.paths.work, { recursive: true });
  const path = lockPath(project, name);
  const mine: LockInfo = {
    pid: process.pid,
    started_at: new Date().toISOString(),
    command,
    proc_start: procStart(process.pid),
  };
  const release = () => {
    if (readLock(project, name)?.pid === process.pid) rmSync(path, { force: true });
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    if (tryCreate(path, mine)) return once(release);
    const holder = readLock(project, name);
    if (holder && holder.pid !== process.pid && alive(holder)) throw locked(holder, path, name);
    if (!holder && attempt < 3) {
      // a lock file being written this instant: look again
      Bun.sleepSync(50);
      continue;
    }
    const takeover = `${path}.takeover`;
    if (!tryCreate(takeover, mine)) {
      const age = Date.now() - (statSafe(takeover) ?? Date.now());
      if (age > 10_000) rmSync(takeover, { force: true });
      Bun.sleepSync(20);
      continue;
    }
    try {
      const again = readLock(project, name);
      if (again && again.pid !== process.pid && alive(again)) throw locked(again, path, name);
      log.warn(`taking over a stale lock${again ? ` from dead pid ${again.pid} (started ${again.started_at})` : ""}`);
      rmSync(path, { force: true });
      if (tryCreate(path, mine)) return once(release);
    } finally {
      rmSync(takeover, { force: true });
    }
  }
  throw new DpError("LOCKED", `could not take ${path}`, {
    where: path,
    fix: "remove the lock file if no dp process is running",
  });
}

function statSafe(p: string): number | undefined {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return undefined;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function locked(holder: LockInfo, path: string, name: LockName): DpError {
  if (name === "serve") {
    return new DpError(
      "LOCKED",
      `another dp serve (pid ${holder.pid}, started ${holder.started_at}) is receiving webhooks for this project`,
      {
        where: path,
        fix: "stop it first, or use it: one server takes every webhook source",
      },
    );
  }
  const held = Date.now() - Date.parse(holder.started_at);
  return new DpError(
    "LOCKED",
    `another dp ${holder.command} (pid ${holder.pid}, started ${holder.started_at}${Number.isFinite(held) ? `, ${formatAge(Math.max(0, held))} ago` : ""}) holds the project lock`,
    {
      where: path,
      fix: "wait for it to finish; if that process is gone, the lock is taken over automatically",
    },
  );
}

/**
 * Run `fn` holding the project lock, and record the invocation in the run history whatever happens:
 * found locked (with an alert once the holder has held it past `alerts.lock_alert_after`), finished,
 * failed, or stopped by a signal; one killed outright is marked interrupted by the next invocation.
 */
export async function withRunLock<T>(project: Project, command: string, fn: (runId: string) => Promise<T>): Promise<T> {
  const runId = newRunId(now());
  let release: () => void;
  try {
    release = acquireLock(project, command);
  } catch (e) {
    if (e instanceof DpError && e.code === "LOCKED") await recordLockedFiring(project, runId, command, e);
    throw e;
  }
  // a hard exit (second Ctrl-C, process.exit) still frees the lock
  process.once("exit", release);
  const started = Date.now();
  try {
    markDeadRuns(project, now());
    recordStart(project, runId, command, now());
    const value = await fn(runId);
    recordEnd(project, runId, now(), { ...summarizeRun(value, receivedSignal()), durationMs: Date.now() - started });
    return value;
  } catch (e) {
    recordEnd(project, runId, now(), {
      status: receivedSignal() ? "interrupted" : "failed",
      error: e instanceof Error ? e.message : String(e),
      durationMs: Date.now() - started,
    });
    throw e;
  } finally {
    release();
    process.off("exit", release);
  }
}

async function recordLockedFiring(project: Project, runId: string, command: string, e: DpError): Promise<void> {
  const holder = readLock(project);
  try {
    recordLocked(project, runId, command, now(), e.message);
    // with a timestamp in the log (cron's log file), not only the bare error line
    log.error(`dp ${command} did not start: ${e.message}`, { run_id: runId, status: "locked" });
    if (holder) await alertLockHeld(project, holder);
  } catch (err) {
    log.warn(`could not record the locked firing: ${(err as Error).message}`);
  }
}
