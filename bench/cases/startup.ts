import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hyperfineRounds, runOk } from "../lib/measure.ts";
import { relative, type BenchContext, type CaseResult } from "../lib/types.ts";

/** rounds × runs per round per side; the order of the two sides alternates by round */
const RUNS = { tiny: { rounds: 2, runs: 5 }, full: { rounds: 6, runs: 20 } };

/** `dp --version` against a compiled Bun hello-world, both exec'd by hyperfine: what a single Bun binary costs to start. */
export async function startup(ctx: BenchContext): Promise<CaseResult> {
  const src = join(ctx.work, "hello.ts");
  writeFileSync(src, 'process.stdout.write("0.1.0\\n");\n');
  const compiled = ctx.dp.length === 1;
  let hello: string[];
  if (compiled) {
    const out = join(ctx.work, "hello");
    await runOk(["bun", "build", "--compile", src, "--outfile", out]);
    if (!existsSync(out)) throw new Error("bun build --compile wrote no hello binary");
    hello = [out];
  } else {
    hello = ["bun", src];
  }
  const { rounds, runs } = RUNS[ctx.scale];
  const r = await hyperfineRounds([[...ctx.dp, "--version"], hello], { rounds, runs, warmup: 3 });
  const [dp, limit] = r.medians as [number, number];
  ctx.log(`startup: dp ${dp.toFixed(1)} ms, hello ${limit.toFixed(1)} ms (medians of ${r.runs})`);
  return relative(
    `startup: ${compiled ? "dist/dp" : "bun cli/main.ts"} --version (exec'd by hyperfine, median of ${r.runs})`,
    "ms",
    dp,
    limit,
    1.5,
    {
      detail: `limit: ${compiled ? "a Bun hello-world compiled with `bun build --compile`" : "bun hello.ts (dp from source)"}; ${rounds} hyperfine rounds of ${runs} runs each side after 3 warm-ups, alternating which side goes first, no shell, output to /dev/null`,
    },
  );
}
