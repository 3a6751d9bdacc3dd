import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DpError } from "./errors.ts";
import { log } from "./log.ts";
import type { Project } from "./project.ts";

interface LockInfo {
  pid: number;
  started_at: string;
  command: string;
}

export function lockPath(project: Project): string {
  return join(project.paths.work, "run.lock");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readLock(project: Project): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(project), "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

/** One writer per project: a lock file created with O_EXCL; a dead holder's lock is taken over. */
export function acquireLock(project: Project, command: string): () => void {
  mkdirSync(project.paths.work, { recursive: true });
  const path = lockPath(project);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, started_at: new Date().toISOString(), command } satisfies LockInfo));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const held = readLock(project);
        if (held?.pid === process.pid) rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readLock(project);
      if (holder && alive(holder.pid) && holder.pid !== process.pid) {
        throw new DpError("LOCKED", `another dp ${holder.command} (pid ${holder.pid}, started ${holder.started_at}) holds the project lock`, {
          where: path,
          fix: "wait for it to finish; if that process is gone, the lock is taken over automatically",
        });
      }
      // a dead holder (or an unreadable lock file being written): take it over
      if (!holder && attempt === 0) {
        Bun.sleepSync(50);
        continue;
      }
      log.warn(`taking over a stale lock${holder ? ` from dead pid ${holder.pid}` : ""}`);
      rmSync(path, { force: true });
    }
  }
  throw new DpError("LOCKED", "could not take the project lock", { where: path, fix: "remove the lock file if no dp process is running" });
}

export async function withRunLock<T>(project: Project, command: string, fn: () => Promise<T>): Promise<T> {
  const release = acquireLock(project, command);
  try {
    return await fn();
  } finally {
    release();
  }
}
