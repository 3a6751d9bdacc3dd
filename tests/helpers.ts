import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const repoRoot = join(import.meta.dir, "..");

export function tempDir(prefix = "dp-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write a project from a map of relative path → content. */
export function writeProject(files: Record<string, string>, dir = tempDir()): string {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export const CLI_MAIN = join(repoRoot, "cli/main.ts");
/** What every CLI test runs with: no colour, "now" pinned, HTTP retries in milliseconds. */
export const CLI_ENV = { NO_COLOR: "1", DP_NOW: "2026-11-21T06:00:00Z", DP_HTTP_RETRY_BASE_MS: "10" };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DpOptions {
  cwd?: string;
  /** on top of the test process's environment and CLI_ENV; `undefined` unsets */
  env?: Record<string, string | undefined>;
  /** piped to stdin (async runners only) */
  stdin?: string;
  /** a hang is killed after this long and reported (async runners only); default 120 s */
  timeoutMs?: number;
}

function cliEnv(env: DpOptions["env"]): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...process.env, ...CLI_ENV, ...env };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return merged as Record<string, string>;
}

/** Run the CLI from source, as a user would, with colors off and time pinned. Blocks: not for tests whose fakes run in this process. */
export function dp(args: string[], options: DpOptions = {}): CliResult {
  const r = Bun.spawnSync(["bun", CLI_MAIN, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: cliEnv(options.env),
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Start `dp …` in its own process; the caller reads, signals or kills it. */
export function spawnDp(args: string[], options: DpOptions = {}) {
  return Bun.spawn(["bun", CLI_MAIN, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: cliEnv(options.env),
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
}

export interface Ran extends CliResult {
  /** killed by the timeout: a hang */
  hung: boolean;
}

/** Run a command to completion without blocking this process; a hang is killed after timeoutMs and reported, never waited on forever. */
export async function runCmd(cmd: string[], options: DpOptions = {}): Promise<Ran> {
  const p = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    p.kill("SIGKILL");
  }, options.timeoutMs ?? 120_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr, hung };
}

/** `dp …` to completion, for tests whose fakes live in this process (spawnSync would block their event loop). */
export function runDp(args: string[], options: DpOptions = {}): Promise<Ran> {
  return runCmd(["bun", CLI_MAIN, ...args], { cwd: repoRoot, ...options });
}

/** Rows of a query against the project's published snapshot, as a reader sees them. */
export async function snapshotRows(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const { loadProject } = await import("../engine/config/project.ts");
  const { openReader } = await import("../engine/warehouse/snapshots.ts");
  const db = await openReader(loadProject(dir));
  try {
    return await db.all(sql);
  } finally {
    db.close();
  }
}
