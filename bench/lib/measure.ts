import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

export interface Measured {
  /** wall time of the process from exec to exit, ms, taken by GNU time (not by Bun around a spawn) */
  ms: number;
  /** peak resident set of the child, MB */
  peakMb: number;
  /** bytes the process and its children sent to the storage layer (the kernel's write_bytes, via ru_oublock) */
  writeBytes: number;
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** kept for callers; every run reports peak RSS now */
  rss?: boolean;
}

const GNU_TIME = "/usr/bin/time";

export function benchEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: "1",
    DP_NOW: "2026-11-21T06:00:00Z",
    DP_LOG: undefined,
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function requireTool(path: string, pkg: string): void {
  if (!existsSync(path) && !Bun.which(path))
    throw new Error(`the bench times whole commands with ${path}; install it: apt-get install -y ${pkg}`);
}

/**
 * A whole command as a user runs it: exec'd by GNU time, which takes the wall time (%e), peak RSS
 * (%M, the kernel's ru_maxrss) and blocks written (%O, the kernel's write_bytes / 512, children
 * included) around fork/exec/wait. stdout and stderr go to files, not to pipes Bun must drain, so
 * neither Bun's spawn nor a pipe sits between the clock and the process. Resolution: 10 ms.
 */
export async function run(cmd: string[], options: SpawnOptions = {}): Promise<Measured> {
  requireTool(GNU_TIME, "time");
  const dir = mkdtempSync(join(tmpdir(), "dp-bench-run-"));
  try {
    const [stat, out, err] = [join(dir, "time"), join(dir, "stdout"), join(dir, "stderr")];
    const proc = Bun.spawn([GNU_TIME, "-f", "%e %M %O", "-o", stat, ...cmd], {
      cwd: options.cwd,
      env: benchEnv(options.env),
      stdin: "ignore",
      stdout: Bun.file(out),
      stderr: Bun.file(err),
    });
    const code = await proc.exited;
    const m = /(\d+(?:\.\d+)?) (\d+) (\d+)\s*$/.exec(readFileSync(stat, "utf8"));
    if (!m) throw new Error(`${GNU_TIME} reported nothing for ${cmd.join(" ")}: ${readFileSync(stat, "utf8")}`);
    return {
      ms: Number(m[1]) * 1000,
      peakMb: Number(m[2]) / 1024,
      writeBytes: Number(m[3]) * 512,
      code,
      stdout: readFileSync(out, "utf8"),
      stderr: readFileSync(err, "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runOk(cmd: string[], options: SpawnOptions = {}): Promise<Measured> {
  const r = await run(cmd, options);
  if (r.code !== 0)
    throw new Error(`${cmd.join(" ")} exited ${r.code}\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-1000)}`);
  return r;
}

/** One POSIX shell word: hyperfine -N splits its command strings as a shell would, without running one. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export interface ExecComparison {
  /** every timed run of each command, ms */
  times: number[][];
  medians: number[];
  runs: number;
}

/**
 * Commands of a few to a few hundred ms, timed by hyperfine as exec'd processes (`-N`: no shell,
 * output to /dev/null), after warm-up runs. hyperfine runs one command's runs back to back, so the
 * comparison goes in rounds whose order alternates (A B, B A, …), and each side's median is over
 * every run of every round: a burst of load on the shared machine lands on both sides.
 */
export async function hyperfineRounds(
  commands: string[][],
  options: { rounds: number; runs: number; warmup: number; cwd?: string; env?: Record<string, string | undefined> },
): Promise<ExecComparison> {
  requireTool("hyperfine", "hyperfine");
  const times: number[][] = commands.map(() => []);
  const dir = mkdtempSync(join(tmpdir(), "dp-bench-hf-"));
  try {
    for (let round = 0; round < options.rounds; round++) {
      const order = commands.map((_, i) => i);
      if (round % 2) order.reverse();
      const json = join(dir, `round-${round}.json`);
      const argv = [
        "hyperfine",
        "-N",
        "--style",
        "none",
        "--warmup",
        String(options.warmup),
        "--runs",
        String(options.runs),
        "--export-json",
        json,
        ...order.map((i) => commands[i]!.map(shellWord).join(" ")),
      ];
      const proc = Bun.spawn(argv, {
        cwd: options.cwd,
        env: benchEnv(options.env),
        stdin: "ignore",
        stdout: "ignore",
        stderr: Bun.file(join(dir, "stderr")),
      });
      if ((await proc.exited) !== 0)
        throw new Error(`hyperfine failed: ${readFileSync(join(dir, "stderr"), "utf8").slice(-2000)}`);
      const { results } = JSON.parse(readFileSync(json, "utf8")) as { results: { times: number[] }[] };
      order.forEach((i, k) => times[i]!.push(...results[k]!.times.map((s) => s * 1000)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { times, medians: times.map(median), runs: times[0]!.length };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
