import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planModels } from "../../engine/transform/dag.ts";
import { loadProject } from "../../engine/config/project.ts";
import { median } from "../lib/measure.ts";
import { absolute, type BenchContext, type CaseResult } from "../lib/types.ts";

const SIZES = { tiny: [100, 1_000], full: [1_000, 10_000] } as const;
const GOAL_MS: Record<number, number> = { 100: 150, 1_000: 150, 10_000: 1_500 };

/** A project of n models: a tenth staging over range(), the rest marts joining up to three earlier models. */
export function writeModelProject(dir: string, n: number): void {
  mkdirSync(join(dir, "models/staging"), { recursive: true });
  mkdirSync(join(dir, "models/marts"), { recursive: true });
  writeFileSync(join(dir, "project.yaml"), "name: bench_plan\n");
  const base = Math.max(1, Math.floor(n / 10));
  const yml: string[] = ["models:"];
  for (let i = 0; i < n; i++) {
    const layer = i < base ? "staging" : "marts";
    const parents = i < base ? [] : [i - base, (i * 7) % i, (i * 13) % i].filter((p, k, a) => a.indexOf(p) === k);
    const from = parents.length
      ? parents.map((p, k) => `${k ? "join" : "from"} {{ ref('m${p}') }} t${k}${k ? " using (id)" : ""}`).join("\n")
      : "from range(10) r(id)";
    writeFileSync(
      join(dir, `models/${layer}/m${i}.sql`),
      `select ${parents.length ? "t0.id" : "id"}, ${i} as v\n${from}\n`,
    );
    yml.push(
      `  - name: m${i}`,
      `    description: generated model ${i}`,
      "    columns:",
      "      - name: id",
      "        tests: [not_null]",
    );
  }
  writeFileSync(join(dir, "models/models.yml"), `${yml.join("\n")}\n`);
}

/** loadProject + planModels (YAML, templating, DuckDB parse of every model, DAG), in process, median of 3 after a warm-up. */
export async function plan(ctx: BenchContext): Promise<CaseResult[]> {
  const warm = join(ctx.work, "plan-warm");
  writeModelProject(warm, 10);
  await planModels(loadProject(warm));
  const out: CaseResult[] = [];
  const timings: number[] = [];
  for (const n of SIZES[ctx.scale]) {
    const dir = join(ctx.work, `plan-${n}`);
    writeModelProject(dir, n);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const graph = await planModels(loadProject(dir));
      times.push(performance.now() - t0);
      if (graph.order.length !== n) throw new Error(`plan: ${graph.order.length} models ordered, expected ${n}`);
    }
    timings.push(median(times));
    ctx.log(`plan ${n} models: ${median(times).toFixed(0)} ms`);
  }
  const [n1, n10] = SIZES[ctx.scale];
  for (const [i, n] of [n1, n10].entries()) {
    out.push(
      absolute(`plan: parse + DAG of ${n.toLocaleString("en")} models`, "ms", timings[i]!, GOAL_MS[n]!, {
        detail: `${((timings[i]! / n) * 1000).toFixed(0)} µs per model (dbt: ~20 ms per model to parse)`,
        ...(i === 1
          ? {
              scaling: {
                what: "plan time",
                unit: "ms" as const,
                x1: { input: `${n1} models`, dp: timings[0]! },
                x10: { input: `${n10} models`, dp: timings[1]! },
              },
            }
          : {}),
      }),
    );
  }
  return out;
}
