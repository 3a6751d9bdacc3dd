import { rmSync } from "node:fs";
import { join } from "node:path";
import { scaffoldDemo, type DemoSize } from "../lib/demo-project.ts";
import { diskBytes, diskPeak, mb, rawRecords, warehouseBytes } from "../lib/disk.ts";
import { growthVerdict } from "../lib/report.ts";
import { absolute, type BenchContext, type CaseResult, type Scaling } from "../lib/types.ts";
import { dpRun, type TenX } from "./cron.ts";

/** The demo at 100× its default size (`scale: large`, 100,000 customers), at its default event density. */
const HUNDRED_X: Record<BenchContext["scale"], DemoSize> = { tiny: { customers: 300 }, full: { customers: 100_000 } };
/** time per raw record at 100× within this factor of 10×'s counts as linear */
const LINEAR = 1.1;
const DISK_FACTOR = 2;

/** A first `dp run` of the demo at 100×: time against 10×, peak RSS under the default memory limit, disk. */
export async function large(ctx: BenchContext, tenX: TenX): Promise<CaseResult[]> {
  const size = HUNDRED_X[ctx.scale];
  const dir = join(ctx.work, `large-${size.customers}`);
  rmSync(dir, { recursive: true, force: true });
  await scaffoldDemo(ctx, dir, size);
  const disk = diskPeak(dir);
  let peakDisk = 0;
  let run: Awaited<ReturnType<typeof dpRun>>;
  try {
    run = await dpRun(ctx, dir, "2026-11-21T06:00:00Z");
  } finally {
    peakDisk = disk.stop();
  }
  const raw = await rawRecords(dir);
  const lake = diskBytes(join(dir, "lake"));
  const warehouse = warehouseBytes(dir);
  const total = diskBytes(dir);
  const label = `${size.customers.toLocaleString("en")} customers, ${raw.total.toLocaleString("en")} raw records`;
  const { ms, peakMb } = run.measured;
  ctx.log(
    `100× demo (${label}): dp run ${(ms / 1000).toFixed(1)} s, peak ${peakMb.toFixed(0)} MB; disk ${mb(total).toFixed(0)} MB (lake ${mb(lake).toFixed(0)}, warehouse ${mb(warehouse).toFixed(0)}), peak ${mb(peakDisk).toFixed(0)} MB`,
  );
  rmSync(dir, { recursive: true, force: true });
  const time: Scaling = {
    what: "first dp run, demo at default density",
    unit: "ms",
    x1: { input: tenX.label, dp: tenX.ms },
    x10: { input: label, dp: ms },
  };
  const perRecord = ms / raw.total / (tenX.ms / tenX.records);
  const rss: Scaling = {
    what: "first dp run peak RSS, demo at default density",
    unit: "MB",
    x1: { input: tenX.label, dp: tenX.peakMb },
    x10: { input: label, dp: peakMb },
  };
  return [
    absolute(`demo at 100× (${label}): first dp run`, "ms", ms, Number.POSITIVE_INFINITY, {
      goal: `time per raw record ≤ ${LINEAR}× 10×'s`,
      met: perRecord <= LINEAR,
      scaling: time,
      detail: `${growthVerdict(time)} for ${(raw.total / tenX.records).toFixed(1)}× the raw records; per raw record ${perRecord.toFixed(2)}× the 10× run's (${(tenX.ms / 1000).toFixed(1)} s for ${tenX.label}); pull ${(run.pullMs / 1000).toFixed(1)} s, build: ${run.build}; largest stream ${raw.largest.stream} ${raw.largest.n.toLocaleString("en")} records`,
    }),
    absolute(`memory: peak RSS of the first dp run at 100× (default memory limit)`, "MB", peakMb, 1024, {
      scaling: rss,
      detail: `${growthVerdict(rss)}: ${tenX.peakMb.toFixed(0)} MB at 10× → ${peakMb.toFixed(0)} MB at 100× (GNU time %M, the largest process of the run)`,
    }),
    absolute(`disk: the project after the first dp run at 100×`, "MB", mb(total), DISK_FACTOR * mb(lake + warehouse), {
      goal: `≤ ${DISK_FACTOR} × (lake + warehouse) = ${(DISK_FACTOR * mb(lake + warehouse)).toFixed(0)} MB`,
      met: total <= DISK_FACTOR * (lake + warehouse) && peakDisk <= DISK_FACTOR * (lake + warehouse),
      detail: `lake ${mb(lake).toFixed(0)} MB, warehouse file ${mb(warehouse).toFixed(0)} MB, everything else (snapshots, spill, logs) ${mb(total - lake - warehouse).toFixed(0)} MB; the largest the project got during the run (polled each second): ${mb(peakDisk).toFixed(0)} MB, which the goal also holds`,
    }),
  ];
}
