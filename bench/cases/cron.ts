import { rmSync } from "node:fs";
import { join } from "node:path";
import { scaffoldDemo, type DemoSize } from "../lib/demo-project.ts";
import { mb, rawRecords, warehouseBytes } from "../lib/disk.ts";
import { runOk, type Measured } from "../lib/measure.ts";
import { absolute, relative, type BenchContext, type CaseResult } from "../lib/types.ts";

/** The demo at 10× its default size (`scale: medium`), at its default event density; tiny: a smoke test. */
export const TEN_X: Record<BenchContext["scale"], DemoSize> = { tiny: { customers: 30 }, full: { customers: 10_000 } };
const REBUILDS = 3;
const T0 = "2026-11-21T06:00:00Z";
/**
 * Runs 15 minutes apart after the first: a run's commits stay in the warehouse's WAL until it passes
 * WAL_CHECKPOINT (≈ every 6th run at 10×), so one run alone would miss the checkpoint that every few runs pay.
 */
const CRON_RUNS = 6;
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString().replace(".000Z", "Z");
/** the last run's instant: the full rebuilds read the same lake */
const T_LAST = at(15 * CRON_RUNS);
/** goals from issue #18 */
const INCREMENTAL_MS = 1500;
const WRITTEN_SHARE = 0.05;
const REBUILT_RATIO = 1.1;

interface RunJson {
  ok: boolean;
  steps: { step: string; status: string; duration_ms: number; rows?: number; detail?: string }[];
}

export interface DpRun {
  measured: Measured;
  pullMs: number;
  pulledRows: number;
  build: string;
}

/** `dp run --json` as cron runs it, timed whole; the pull's own time from its step. */
export async function dpRun(ctx: BenchContext, dir: string, now: string): Promise<DpRun> {
  const measured = await runOk([...ctx.dp, "run", "-C", dir, "--json"], {
    rss: true,
    env: { DP_LOG: "warn", DP_NOW: now },
  });
  const json = JSON.parse(measured.stdout) as RunJson;
  if (!json.ok) throw new Error(`dp run failed: ${JSON.stringify(json.steps)}`);
  const pull = json.steps.find((s) => s.step === "pull");
  const build = json.steps.find((s) => s.step === "build");
  return {
    measured,
    pullMs: pull?.duration_ms ?? 0,
    pulledRows: pull?.rows ?? 0,
    build: `${build?.detail ?? "no build step"} in ${((build?.duration_ms ?? 0) / 1000).toFixed(1)} s`,
  };
}

export interface TenX {
  ms: number;
  peakMb: number;
  records: number;
  label: string;
}

/**
 * The cron path at 10× (the demo at `medium`, default density): a first `dp run`, then one 15 minutes
 * later (time beyond the pull, bytes written), then the same warehouse fully rebuilt three times
 * against one fresh build of the same lake (warehouse file size).
 */
export async function cron(ctx: BenchContext): Promise<{ results: CaseResult[]; tenX: TenX }> {
  const size = TEN_X[ctx.scale];
  const dir = join(ctx.work, `cron-${size.customers}`);
  rmSync(dir, { recursive: true, force: true });
  await scaffoldDemo(ctx, dir, size);
  const first = await dpRun(ctx, dir, T0);
  const raw = await rawRecords(dir);
  const label = `${size.customers.toLocaleString("en")} customers, ${raw.total.toLocaleString("en")} raw records`;
  ctx.log(
    `10× demo (${label}): first dp run ${(first.measured.ms / 1000).toFixed(1)} s, peak ${first.measured.peakMb.toFixed(0)} MB`,
  );
  const before = warehouseBytes(dir);
  const runs: DpRun[] = [];
  for (let k = 1; k <= CRON_RUNS; k++) {
    const next = await dpRun(ctx, dir, at(15 * k));
    runs.push(next);
    ctx.log(
      `dp run ${15 * k} minutes after the first: ${(next.measured.ms / 1000).toFixed(2)} s (pull ${(next.pullMs / 1000).toFixed(2)} s, ${next.pulledRows} rows), ${mb(next.measured.writeBytes).toFixed(0)} MB written, warehouse ${mb(warehouseBytes(dir)).toFixed(0)} MB`,
    );
  }
  const warehouse = warehouseBytes(dir);
  const beyond = runs.map((r) => r.measured.ms - r.pullMs);
  const beyondPull = [...beyond].sort((a, b) => a - b)[Math.floor(beyond.length / 2)]!;
  const next = runs[0]!;
  const incremental = absolute(
    `incremental dp run 15 minutes after the last, at 10× (${label}): time beyond the pull`,
    "ms",
    beyondPull,
    INCREMENTAL_MS,
    {
      detail: `median of ${CRON_RUNS} runs 15 minutes apart, each timed whole by GNU time less its pull step (beyond the pull: ${beyond.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(", ")}); the first of them ${(next.measured.ms / 1000).toFixed(2)} s, its pull ${(next.pullMs / 1000).toFixed(2)} s for ${next.pulledRows.toLocaleString("en")} new rows, build: ${next.build}; the first run took ${(first.measured.ms / 1000).toFixed(1)} s`,
    },
  );
  const bytes = runs.map((r) => r.measured.writeBytes);
  const meanBytes = bytes.reduce((a, b) => a + b, 0) / bytes.length;
  const written = absolute(
    `incremental dp run at 10×: bytes written`,
    "MB",
    mb(meanBytes),
    WRITTEN_SHARE * mb(warehouse),
    {
      goal: `≤ ${WRITTEN_SHARE * 100}% of the warehouse (${mb(warehouse).toFixed(0)} MB)`,
      detail: `mean of ${CRON_RUNS} runs 15 minutes apart (${bytes.map((b) => `${mb(b).toFixed(0)}`).join(", ")} MB: the WAL is checkpointed into the file once it passes 32 MB), ${((100 * meanBytes) / warehouse).toFixed(1)}% of the warehouse (file and WAL); the kernel's write_bytes of each run and its children (GNU time %O × 512: lake files, WAL, warehouse, snapshot, logs; bytes later deleted count too). Warehouse ${mb(before).toFixed(0)} → ${mb(warehouse).toFixed(0)} MB across the runs`,
    },
  );
  const sizes: number[] = [];
  for (let i = 0; i < REBUILDS; i++) {
    await runOk([...ctx.dp, "build", "--full-refresh", "-C", dir], { env: { DP_LOG: "warn", DP_NOW: T_LAST } });
    sizes.push(warehouseBytes(dir));
  }
  // the limit: the same lake built once into an empty warehouse
  rmSync(join(dir, "warehouse"), { recursive: true, force: true });
  await runOk([...ctx.dp, "build", "-C", dir], { env: { DP_LOG: "warn", DP_NOW: T_LAST } });
  const fresh = warehouseBytes(dir);
  ctx.log(
    `warehouse after ${REBUILDS} full rebuilds: ${sizes.map((s) => mb(s).toFixed(0)).join(" → ")} MB; fresh ${mb(fresh).toFixed(0)} MB`,
  );
  const rebuilt = relative(
    `warehouse file after ${REBUILDS} full rebuilds (dp build --full-refresh) at 10×`,
    "MB",
    mb(sizes.at(-1)!),
    mb(fresh),
    REBUILT_RATIO,
    {
      detail: `limit: one build of the same lake into an empty warehouse. After each rebuild: ${sizes.map((s) => `${mb(s).toFixed(0)} MB`).join(", ")}; after the first run ${mb(before).toFixed(0)} MB`,
    },
  );
  rmSync(dir, { recursive: true, force: true });
  return {
    results: [incremental, written, rebuilt],
    tenX: { ms: first.measured.ms, peakMb: first.measured.peakMb, records: raw.total, label },
  };
}
