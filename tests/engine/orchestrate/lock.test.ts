import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock, lockPath, lockStatus, readLock, withRunLock } from "../../../engine/orchestrate/lock.ts";
import { setQuiet } from "../../../engine/log.ts";
import { loadProject } from "../../../engine/config/project.ts";

setQuiet(true);
const dir = mkdtempSync(join(tmpdir(), "dp-lock-"));
writeFileSync(join(dir, "project.yaml"), "name: l\n");
const project = loadProject(dir);
const sleeper = Bun.spawn(["sleep", "30"]);
afterAll(() => {
  sleeper.kill();
  rmSync(dir, { recursive: true, force: true });
});

const plant = (info: object) => {
  mkdirSync(project.paths.work, { recursive: true });
  writeFileSync(lockPath(project), JSON.stringify(info));
};

test("a live holder: LOCKED (exit 3) naming its pid and start time", () => {
  plant({ pid: sleeper.pid, started_at: "2026-11-21T06:00:00.000Z", command: "run" });
  expect(lockStatus(project).state).toBe("held");
  try {
    acquireLock(project, "run");
    throw new Error("expected LOCKED");
  } catch (e) {
    expect((e as { exitCode: number }).exitCode).toBe(3);
    expect((e as Error).message).toMatch(
      new RegExp(
        `^another dp run \\(pid ${sleeper.pid}, started 2026-11-21T06:00:00.000Z, \\d+[dhms].* ago\\) holds the project lock$`,
      ),
    );
  }
});

test("a recycled pid (same pid, other process start time) counts as dead", () => {
  plant({ pid: sleeper.pid, started_at: "2026-11-21T06:00:00.000Z", command: "run", proc_start: "1" });
  expect(lockStatus(project).state).toBe("stale");
  const release = acquireLock(project, "build");
  expect(readLock(project)).toMatchObject({ pid: process.pid, command: "build" });
  release();
  expect(existsSync(lockPath(project))).toBe(false);
});

test("a dead holder or an empty lock file is taken over; the lock is released after an error", async () => {
  plant({ pid: Bun.spawnSync(["true"]).pid, started_at: "2026-11-20T00:00:00Z", command: "run" });
  await expect(
    withRunLock(project, "run", async () => {
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(existsSync(lockPath(project))).toBe(false);
  writeFileSync(lockPath(project), "");
  await withRunLock(project, "run", async () => expect(readLock(project)?.pid).toBe(process.pid));
  expect(lockStatus(project).state).toBe("free");
});
