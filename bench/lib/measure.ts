import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

export interface Measured {
  ms: number;
  /** peak resident set of the child, MB; 0 when not measured */
  peakMb: number;
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** measure peak RSS (adds /usr/bin/time, ~1 ms) */
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

/**
 * Wall time of a child process, and its peak RSS from GNU time's %M (the kernel's
 * ru_maxrss), or from polling VmHWM in /proc/<pid>/status where GNU time is missing.
 */
export async function run(cmd: string[], options: SpawnOptions = {}): Promise<Measured> {
  const useTime = options.rss && existsSync(GNU_TIME);
  const rssFile = join(tmpdir(), `dp-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const argv = useTime ? [GNU_TIME, "-f", "%M", "-o", rssFile, ...cmd] : cmd;
  const t0 = performance.now();
  const proc = Bun.spawn(argv, { cwd: options.cwd, env: benchEnv(options.env), stdout: "pipe", stderr: "pipe" });
  let hwmKb = 0;
  const poll =
    options.rss && !useTime ? setInterval(() => (hwmKb = Math.max(hwmKb, vmHwmKb(proc.pid))), 20) : undefined;
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const ms = performance.now() - t0;
  if (poll) clearInterval(poll);
  if (useTime) {
    hwmKb = Number(/(\d+)\s*$/.exec(readFileSync(rssFile, "utf8"))?.[1] ?? 0);
    rmSync(rssFile, { force: true });
  }
  return { ms, peakMb: hwmKb / 1024, code, stdout, stderr };
}

export async function runOk(cmd: string[], options: SpawnOptions = {}): Promise<Measured> {
  const r = await run(cmd, options);
  if (r.code !== 0)
    throw new Error(`${cmd.join(" ")} exited ${r.code}\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-1000)}`);
  return r;
}

function vmHwmKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
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

/** Alternate dp and limit runs so machine noise hits both sides alike. */
export async function interleaved(
  times: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < times; i++) {
    out.a.push(await a());
    out.b.push(await b());
  }
  return out;
}
