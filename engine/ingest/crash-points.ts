/**
 * Named points in the write path, so the reliability suite can kill a pull exactly there
 * (`DP_CRASH_AT=after-rename:3` → SIGKILL on the third pass) or watch it pass in-process.
 * Off unless DP_CRASH_AT is set or an observer is installed.
 */
export type CrashPoint = "mid-batch" | "before-rename" | "after-rename" | "after-state";

const passes = new Map<CrashPoint, number>();
let observer: ((point: CrashPoint) => void) | undefined;

export function crashPoint(point: CrashPoint): void {
  observer?.(point);
  const spec = process.env.DP_CRASH_AT;
  if (!spec) return;
  const n = (passes.get(point) ?? 0) + 1;
  passes.set(point, n);
  const [name, at] = spec.split(":");
  if (name === point && n === Number(at ?? 1)) process.kill(process.pid, "SIGKILL");
}

/** Tests only: be called at every crash point (undefined removes the observer). */
export function observeCrashPoints(fn: ((point: CrashPoint) => void) | undefined): void {
  observer = fn;
}
