import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_SIZES, limitPlan, scaffoldDemo, type DemoSize } from "../lib/demo-project.ts";
import { rawRecords } from "../lib/disk.ts";
import { run, runOk } from "../lib/measure.ts";
import { growthVerdict } from "../lib/report.ts";
import { absolute, relative, type BenchContext, type CaseResult, type Scaling } from "../lib/types.ts";

/** The memory limit a project.yaml on a 1 GB VM would set; the bench checks dp honours it and what it costs. */
const CAPPED_MEMORY = "500MB";
/**
 * JavaScriptCore sizes its heap by the machine's RAM: on this 24 GB machine it lets the heap grow
 * further between collections than on the 2 GB VM dp is made for. The pull is measured a second
 * time with JSC told the machine has 2 GB, to show what a founder's VM would see.
 */
const SMALL_VM_RAM = String(2 * 1024 ** 3);

export interface DemoRun {
  size: DemoSize;
  dir: string;
  /** raw records in the lake after the pull, every source's streams */
  records: number;
  /** the largest raw stream, `source.stream` */
  largest: { stream: string; n: number };
  pullMs: number;
  pullPeakMb: number;
  /** the same pull with JSC sizing its heap for a 2 GB machine */
  pullSmallVmPeakMb: number;
  buildMs: number;
  buildPeakMb: number;
  limitMs: number;
  limitPeakMb: number;
  models: number;
  /** where dp's build time went, next to the limit's per-model time */
  breakdown: string;
}

/** The demo pulled at a size, then `dp build` against its compiled SQL run in order on one connection. */
export async function demoOnce(ctx: BenchContext, size: DemoSize, keep: boolean): Promise<DemoRun> {
  const dir = join(ctx.work, `demo-${size.customers}`);
  rmSync(dir, { recursive: true, force: true });
  await scaffoldDemo(ctx, dir, size);
  const pull = await runOk([...ctx.dp, "pull", "-C", dir], { rss: true, env: { DP_LOG: "warn" } });
  // read from whatever sources the demo project has, not named ones: the demo's datasets change
  const { total: records, largest } = await rawRecords(dir);
  ctx.log(
    `demo ${size.customers} customers: ${records.toLocaleString("en")} raw records (${largest.stream} ${largest.n.toLocaleString("en")}), pulled in ${(pull.ms / 1000).toFixed(1)} s (peak ${pull.peakMb.toFixed(0)} MB)`,
  );
  const build = await runOk([...ctx.dp, "build", "-C", dir, "--json"], { rss: true, env: { DP_LOG: "warn" } });
  const result = JSON.parse(build.stdout) as {
    ok: boolean;
    models: { model: string; status: string; duration_ms: number; memory_limit?: string; tests: unknown[] }[];
  };
  if (!result.ok)
    throw new Error(
      `demo build failed: ${result.models
        .filter((m) => m.status !== "success")
        .map((m) => m.model)
        .join(", ")}`,
    );
  const planPath = join(dir, "limit-plan.json");
  writeFileSync(
    planPath,
    JSON.stringify(
      limitPlan(
        dir,
        result.models.map((m) => m.model),
      ),
    ),
  );
  const limitDb = join(dir, "limit.duckdb");
  const limit = await runOk(["bun", join(import.meta.dir, "../limits/build.ts"), planPath, limitDb, "--with-tests"], {
    rss: true,
  });
  const {
    models: limitModels,
    tests: limitTests,
    roomy: limitRoomy,
  } = JSON.parse(limit.stdout) as {
    models: Record<string, number>;
    tests: Record<string, number>;
    roomy: string[];
  };
  // models that did not fit the default memory limit and were built again under the roomy one, each side
  const dpRoomy = result.models.filter((m) => m.memory_limit).map((m) => m.model);
  const roomy =
    dpRoomy.length + limitRoomy.length
      ? `; out of memory under the default limit, so built again with half the RAM: dp ${dpRoomy.join(", ") || "none"}, limit ${[...new Set(limitRoomy)].join(", ") || "none"}`
      : "";
  const limitTestsMs = Object.values(limitTests).reduce((s, v) => s + v, 0);
  const inModels = result.models.reduce((s, m) => s + m.duration_ms, 0);
  const gaps = result.models
    .map((m) => ({
      name: m.model,
      dp: m.duration_ms,
      limit: (limitModels[m.model] ?? 0) + (limitTests[m.model] ?? 0),
      tests: m.tests.length,
    }))
    .sort((a, b) => b.dp - b.limit - (a.dp - a.limit))
    .slice(0, 3)
    .map((g) => `${g.name} ${(g.dp / 1000).toFixed(1)} s vs ${(g.limit / 1000).toFixed(1)} s (${g.tests} tests)`);
  const breakdown = `models with their tests ${(inModels / 1000).toFixed(1)} s (limit: the models ${(Object.values(limitModels).reduce((s, v) => s + v, 0) / 1000).toFixed(1)} s + their test SQL ${(limitTestsMs / 1000).toFixed(1)} s); outside the models (start-up, plan, raw views, bookkeeping, CHECKPOINT, snapshot copy) ${((build.ms - inModels) / 1000).toFixed(1)} s; largest gaps: ${gaps.join(", ")}; against the models alone (limit ${((limit.ms - limitTestsMs) / 1000).toFixed(1)} s, no tests) dp is ${(build.ms / (limit.ms - limitTestsMs)).toFixed(2)}×${roomy}`;
  rmSync(limitDb, { force: true });
  rmSync(`${limitDb}.wal`, { force: true });
  // into a project of its own: pulled again into this one, the raw lake would hold every event twice for the capped build
  const smallVmDir = `${dir}-small-vm`;
  await scaffoldDemo(ctx, smallVmDir, size);
  const smallVm = await runOk([...ctx.dp, "pull", "-C", smallVmDir], {
    rss: true,
    env: { DP_LOG: "warn", BUN_JSC_forceRAMSize: SMALL_VM_RAM },
  });
  rmSync(smallVmDir, { recursive: true, force: true });
  ctx.log(
    `demo ${size.customers} customers pulled again with JSC sized for 2 GB of RAM: ${(smallVm.ms / 1000).toFixed(1)} s (peak ${smallVm.peakMb.toFixed(0)} MB)`,
  );
  const demo: DemoRun = {
    size,
    dir,
    records,
    largest,
    pullMs: pull.ms,
    pullPeakMb: pull.peakMb,
    pullSmallVmPeakMb: smallVm.peakMb,
    buildMs: build.ms,
    buildPeakMb: build.peakMb,
    limitMs: limit.ms,
    limitPeakMb: limit.peakMb,
    models: result.models.length,
    breakdown,
  };
  ctx.log(
    `demo build: dp ${(build.ms / 1000).toFixed(2)} s (peak ${build.peakMb.toFixed(0)} MB), limit ${(limit.ms / 1000).toFixed(2)} s`,
  );
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return demo;
}

function label(r: DemoRun): string {
  return `${r.records.toLocaleString("en")} raw records (${r.largest.stream} ${r.largest.n.toLocaleString("en")})`;
}

/** Returns the larger demo project still on disk, for ask, tool latency and the capped build. */
export async function demoBuild(
  ctx: BenchContext,
): Promise<{ results: CaseResult[]; runs: DemoRun[]; project: string }> {
  const [s1, s10] = DEMO_SIZES[ctx.scale];
  const x1 = await demoOnce(ctx, s1, false);
  const x10 = await demoOnce(ctx, s10, true);
  const build = relative(
    `build: demo models (${x10.models}) and their data tests at ${label(x10)}`,
    "ms",
    x10.buildMs,
    x10.limitMs,
    1.05,
    {
      detail: `dp: one process, raw views, every model published only if its data tests pass (commit groups; a model of 1M+ rows built beside its live version and swapped in), bookkeeping, snapshot publish; limit: the same compiled SQL of the models and of their data tests, in dp's order on one connection, autocommit, + CHECKPOINT. At 10×: ${x10.breakdown}. At 1×: ${x1.breakdown}`,
      scaling: {
        what: "build wall time",
        unit: "ms",
        x1: { input: label(x1), dp: x1.buildMs, limit: x1.limitMs },
        x10: { input: label(x10), dp: x10.buildMs, limit: x10.limitMs },
      },
    },
  );
  const buildRss: Scaling = {
    what: "build peak RSS",
    unit: "MB",
    x1: { input: label(x1), dp: x1.buildPeakMb, limit: x1.limitPeakMb },
    x10: { input: label(x10), dp: x10.buildPeakMb, limit: x10.limitPeakMb },
  };
  const memory = absolute(`memory: peak RSS of the scaled build (default memory limit)`, "MB", x10.buildPeakMb, 1024, {
    detail: `${growthVerdict(buildRss)}: ${x1.buildPeakMb.toFixed(0)} MB at ${label(x1)} → ${x10.buildPeakMb.toFixed(0)} MB at 10×; DuckDB alone on the same SQL: ${x1.limitPeakMb.toFixed(0)} → ${x10.limitPeakMb.toFixed(0)} MB`,
    scaling: buildRss,
  });
  const generatorRss: Scaling = {
    what: "demo pull peak RSS",
    unit: "MB",
    x1: { input: label(x1), dp: x1.pullPeakMb },
    x10: { input: label(x10), dp: x10.pullPeakMb },
  };
  const smallVmRss: Scaling = {
    what: "demo pull peak RSS, JSC sized for 2 GB of RAM",
    unit: "MB",
    x1: { input: label(x1), dp: x1.pullSmallVmPeakMb },
    x10: { input: label(x10), dp: x10.pullSmallVmPeakMb },
  };
  const generator = absolute(
    `memory: peak RSS of the demo generator (dp pull, all streams)`,
    "MB",
    x10.pullPeakMb,
    1024,
    {
      detail: `${growthVerdict(generatorRss)}: ${x1.pullPeakMb.toFixed(0)} MB at ${label(x1)} → ${x10.pullPeakMb.toFixed(0)} MB at 10×; pull took ${(x1.pullMs / 1000).toFixed(1)} s → ${(x10.pullMs / 1000).toFixed(1)} s. With JavaScriptCore sizing its heap for a 2 GB machine (BUN_JSC_forceRAMSize), as on a small VM: ${growthVerdict(smallVmRss)}, ${x1.pullSmallVmPeakMb.toFixed(0)} → ${x10.pullSmallVmPeakMb.toFixed(0)} MB`,
      scaling: generatorRss,
      extraScaling: [smallVmRss],
    },
  );
  const pullTime: Scaling = {
    what: "demo pull wall time",
    unit: "ms",
    x1: { input: label(x1), dp: x1.pullMs },
    x10: { input: label(x10), dp: x10.pullMs },
  };
  const pull = absolute(`demo generator: dp pull of the scaled demo`, "ms", x10.pullMs, Number.POSITIVE_INFINITY, {
    goal: "streams; time linear",
    met: x10.pullMs / x1.pullMs <= 10.5,
    scaling: pullTime,
    detail: growthVerdict(pullTime),
  });
  return { results: [build, memory, generator, pull], runs: [x1, x10], project: x10.dir };
}

/** The scaled build again from an empty warehouse with warehouse.memory_limit in project.yaml: honoured, and what a small VM would see. */
export async function cappedBuild(ctx: BenchContext, x10: DemoRun): Promise<CaseResult> {
  const dir = x10.dir;
  appendFileSync(join(dir, "project.yaml"), `\nwarehouse:\n  memory_limit: ${CAPPED_MEMORY}\n`);
  rmSync(join(dir, "warehouse"), { recursive: true, force: true });
  const r = await run([...ctx.dp, "build", "-C", dir], { rss: true, env: { DP_LOG: "warn" } });
  const failed =
    r.code === 0 ? undefined : (/✗ [^"\n]*/.exec(r.stdout + r.stderr)?.[0] ?? `exit ${r.code}`).slice(0, 240);
  ctx.log(
    `demo build with warehouse.memory_limit ${CAPPED_MEMORY}: ${(r.ms / 1000).toFixed(2)} s (peak ${r.peakMb.toFixed(0)} MB)${failed ? ` FAILED: ${failed}` : ""}`,
  );
  return absolute(
    `memory: peak RSS of the scaled build with warehouse.memory_limit: ${CAPPED_MEMORY}`,
    "MB",
    r.peakMb,
    1024,
    {
      met: r.peakMb <= 1024 && !failed,
      detail: failed
        ? `the build FAILED under the limit after ${(r.ms / 1000).toFixed(1)} s: ${failed}`
        : `the same build in ${(r.ms / 1000).toFixed(1)} s (${(r.ms / x10.buildMs).toFixed(2)}× the default-limit build); DuckDB spills to disk instead of growing`,
    },
  );
}
