import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { interleaved, median, run, runOk } from "../lib/measure.ts";
import { relative, type BenchContext, type CaseResult } from "../lib/types.ts";

const RUNS = { tiny: 5, full: 31 };

/** `dp --version` against a compiled Bun hello-world: what a single Bun binary costs to start. */
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
  const timed = (cmd: string[]) => async () => {
    const r = await run(cmd);
    if (r.code !== 0) throw new Error(`${cmd.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.ms;
  };
  await timed([...ctx.dp, "--version"])();
  await timed(hello)();
  const { a, b } = await interleaved(RUNS[ctx.scale], timed([...ctx.dp, "--version"]), timed(hello));
  return relative(
    `startup: ${compiled ? "dist/dp" : "bun cli/main.ts"} --version (median of ${a.length})`,
    "ms",
    median(a),
    median(b),
    1.5,
    {
      detail: `limit: ${compiled ? "a compiled Bun hello-world binary" : "bun hello.ts (dp from source)"}`,
    },
  );
}
