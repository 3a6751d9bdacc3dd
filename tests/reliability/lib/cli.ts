import { join } from "node:path";
import { repoRoot } from "../../helpers.ts";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** killed by the timeout: a hang */
  hung: boolean;
}

export const TEST_ENV = { NO_COLOR: "1", DP_NOW: "2026-11-21T06:00:00Z" };

/** Start `dp …` from source in its own process. */
export function spawnDp(args: string[], env: Record<string, string | undefined> = {}) {
  return Bun.spawn(["bun", join(repoRoot, "cli/main.ts"), ...args], {
    env: { ...process.env, ...TEST_ENV, ...env } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** Run a command to completion; a hang is killed after timeoutMs and reported, never waited on forever. */
export async function runCmd(cmd: string[], options: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {}): Promise<Ran> {
  const p = Bun.spawn(cmd, { env: { ...process.env, ...TEST_ENV, ...options.env } as Record<string, string>, stdout: "pipe", stderr: "pipe", cwd: options.cwd });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    p.kill("SIGKILL");
  }, options.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr, hung };
}

export function runDp(args: string[], options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<Ran> {
  return runCmd(["bun", join(repoRoot, "cli/main.ts"), ...args], options);
}

/** A clean failure: exit code as promised, an `error[CODE]:` line (a failed `dp run` reports per step instead), no stack frames, no INTERNAL. */
export function cleanFailure(r: Ran, codes: number[], options: { errorLine?: boolean } = {}): string | undefined {
  if (r.hung) return "hung";
  if (!codes.includes(r.code)) return `exit ${r.code} (expected ${codes.join("/")}): ${r.stderr.slice(0, 300)}`;
  if (r.code !== 0 && options.errorLine !== false && !/error\[[A-Z_]+\]/.test(r.stderr)) return `no error[CODE] line: ${r.stderr.slice(0, 300)}`;
  if (/error\[INTERNAL\]/.test(r.stderr)) return `internal error: ${r.stderr.slice(0, 300)}`;
  // a JS stack frame, not dp's own "  at project.yaml:5:3" location line
  if (/^\s+at .*\.(?:ts|js|mjs|cjs)(?::\d+){2}\)?$/m.test(r.stderr + r.stdout)) return `stack trace: ${r.stderr.slice(0, 300)}`;
  return undefined;
}
