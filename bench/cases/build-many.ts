import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { limitPlan } from "../lib/demo-project.ts";
import { median, runOk } from "../lib/measure.ts";
import { relative, type BenchContext, type CaseResult } from "../lib/types.ts";
import { writeModelProject } from "./plan.ts";

const SIZES = { tiny: [20, 50], full: [50, 500] } as const;

async function once(ctx: BenchContext, n: number): Promise<{ dp: number; limit: number }> {
  const dir = join(ctx.work, `many-${n}`);
  writeModelProject(dir, n);
  const build = await runOk([...ctx.dp, "build", "-C", dir, "--json"], { env: { DP_LOG: "warn" } });
  const result = JSON.parse(build.stdout) as { ok: boolean; models: { model: string }[] };
  if (!result.ok || result.models.length !== n) throw new Error(`build of ${n} small models failed`);
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
  const limit = await runOk([
    "bun",
    join(import.meta.dir, "../limits/build.ts"),
    planPath,
    join(dir, "limit.duckdb"),
    "--with-tests",
  ]);
  rmSync(dir, { recursive: true, force: true });
  ctx.log(`build ${n} small models: dp ${build.ms.toFixed(0)} ms, limit ${limit.ms.toFixed(0)} ms`);
  return { dp: build.ms, limit: limit.ms };
}

/** Interleaved pairs, the median of each side: a run takes seconds, and one pair moved by ±15% between runs. */
async function medianOf(ctx: BenchContext, n: number, pairs: number): Promise<{ dp: number; limit: number }> {
  const runs: { dp: number; limit: number }[] = [];
  for (let i = 0; i < pairs; i++) runs.push(await once(ctx, n));
  return { dp: median(runs.map((r) => r.dp)), limit: median(runs.map((r) => r.limit)) };
}

/** Many trivial models (each with a not_null test): per-model overhead of `dp build` over the same SQL (model + test) on one connection. */
export async function buildMany(ctx: BenchContext): Promise<CaseResult> {
  const [n1, n10] = SIZES[ctx.scale];
  const pairs = ctx.scale === "full" ? 3 : 1;
  const x1 = await medianOf(ctx, n1, pairs);
  const x10 = await medianOf(ctx, n10, pairs);
  return relative(`build: ${n10} trivial models, each with a not_null test`, "ms", x10.dp, x10.limit, 1.2, {
    detail: `${((x10.dp - x10.limit) / n10).toFixed(1)} ms overhead per model (dbt: ~100 ms per model); ${pairs > 1 ? `medians of ${pairs} interleaved runs of each side` : "one run of each side"}`,
    scaling: {
      what: "small-model build time",
      unit: "ms",
      x1: { input: `${n1} models`, dp: x1.dp, limit: x1.limit },
      x10: { input: `${n10} models`, dp: x10.dp, limit: x10.limit },
    },
  });
}
