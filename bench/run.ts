/**
 * `bun run bench [--scale tiny|full] [--only a,b] [--out FILE] [--from-source] [--json]`
 *
 * Runs every benchmark case, each next to its engine limit measured in the same
 * run, and writes a Markdown report (bench/RESULTS.md at full scale). Tiny scale
 * checks that every case works (CI); its timings mean nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ask } from "./cases/ask.ts";
import { buildMany } from "./cases/build-many.ts";
import { cappedBuild, demoBuild } from "./cases/build.ts";
import { cron } from "./cases/cron.ts";
import { large } from "./cases/large.ts";
import { ingest } from "./cases/ingest.ts";
import { plan } from "./cases/plan.ts";
import { startup } from "./cases/startup.ts";
import { toolLatency } from "./cases/tool-latency.ts";
import { machine } from "./lib/machine.ts";
import { renderReport } from "./lib/report.ts";
import { absolute, type BenchContext, type CaseResult, type Scale } from "./lib/types.ts";

const CASES = [
  "startup",
  "plan",
  "ingest",
  "ingest-stripe",
  "build-many",
  "build",
  "ask",
  "tool-latency",
  "cron",
  "large",
] as const;
type CaseName = (typeof CASES)[number];

const root = join(import.meta.dir, "..");
const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    scale: { type: "string", default: "full" },
    only: { type: "string" },
    out: { type: "string" },
    "from-source": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const scale = values.scale as Scale;
if (scale !== "tiny" && scale !== "full") {
  console.error(`--scale must be tiny or full, got ${values.scale}`);
  process.exit(2);
}
const only = new Set((values.only?.split(",") ?? CASES).map((s) => s.trim()) as CaseName[]);
for (const c of only) {
  if (!CASES.includes(c)) {
    console.error(`unknown case ${c}; cases: ${CASES.join(", ")}`);
    process.exit(2);
  }
}
const out =
  values.out ?? (scale === "full" ? join(import.meta.dir, "RESULTS.md") : join(tmpdir(), "dp-bench-RESULTS.tiny.md"));
const binary = join(root, "dist/dp");
// the binary is built from this checkout first: a dist/dp left from an earlier commit would time old code
if (
  !values["from-source"] &&
  Bun.spawnSync(["bun", join(root, "scripts/build.ts")], { stdout: "ignore" }).exitCode !== 0
)
  throw new Error("bun run build failed: fix it, or pass --from-source");
const dp = !values["from-source"] && existsSync(binary) ? [binary] : ["bun", join(root, "cli/main.ts")];
process.env.DP_NOW = "2026-11-21T06:00:00Z";

const work = mkdtempSync(join(tmpdir(), "dp-bench-"));
const started = Date.now();
const ctx: BenchContext = {
  scale,
  dp,
  work,
  log: (m) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}`),
};
const results: CaseResult[] = [];
const errors: { case: string; message: string }[] = [];
const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");

async function step(name: CaseName, fn: () => Promise<void>): Promise<void> {
  if (!only.has(name)) return;
  ctx.log(`${name}…`);
  try {
    await fn();
  } catch (e) {
    errors.push({ case: name, message: e instanceof Error ? e.message : String(e) });
    ctx.log(`${name} FAILED: ${e instanceof Error ? e.stack : e}`);
  }
}

try {
  await step("startup", async () => void results.push(await startup(ctx)));
  await step("plan", async () => void results.push(...(await plan(ctx))));
  await step("ingest", async () => {
    const { results: rows, runs } = await ingest(ctx);
    const [x1, x10] = runs as [(typeof runs)[0], (typeof runs)[0]];
    results.push(
      ...rows,
      absolute(`memory: peak RSS of the ${x10.records.toLocaleString("en")}-record ingest`, "MB", x10.dpPeakMb, 1024, {
        detail: `${x1.dpPeakMb.toFixed(0)} MB at ${x1.records.toLocaleString("en")} records → ${x10.dpPeakMb.toFixed(0)} MB at 10× (DuckDB at its defaults ${x1.limitPeakMb.toFixed(0)} → ${x10.limitPeakMb.toFixed(0)} MB; at dp's cap ${x1.cappedPeakMb.toFixed(0)} → ${x10.cappedPeakMb.toFixed(0)} MB)`,
        scaling: {
          what: "ingest peak RSS",
          unit: "MB",
          x1: { input: `${x1.records.toLocaleString("en")} records`, dp: x1.dpPeakMb, limit: x1.limitPeakMb },
          x10: { input: `${x10.records.toLocaleString("en")} records`, dp: x10.dpPeakMb, limit: x10.limitPeakMb },
        },
      }),
    );
  });
  await step("ingest-stripe", async () => void results.push(...(await ingest(ctx, "stripe")).results));
  await step("build-many", async () => void results.push(await buildMany(ctx)));
  let demo: Awaited<ReturnType<typeof demoBuild>> | undefined;
  const needsDemo = (["build", "ask", "tool-latency"] as const).find((c) => only.has(c));
  if (needsDemo) {
    // named after a selected case: step() skips cases not in --only
    await step(needsDemo, async () => {
      demo = await demoBuild(ctx);
      if (only.has("build")) results.push(...demo.results);
    });
  }
  if (demo) {
    const { project, runs } = demo;
    await step("ask", async () => void results.push(...(await ask(ctx, project))));
    await step("tool-latency", async () => void results.push(await toolLatency(ctx, project)));
    // last: it rebuilds the demo's warehouse under a memory limit
    await step("build", async () => void results.push(await cappedBuild(ctx, runs[1]!)));
  }
  // the demo at its default density: 10× (the cron path, rebuilds), then 100× against it
  let tenX: Awaited<ReturnType<typeof cron>>["tenX"] | undefined;
  const needsTenX = (["cron", "large"] as const).find((c) => only.has(c));
  if (needsTenX) {
    await step(needsTenX, async () => {
      const r = await cron(ctx);
      tenX = r.tenX;
      if (only.has("cron")) results.push(...r.results);
    });
  }
  if (tenX) {
    const x = tenX;
    await step("large", async () => void results.push(...(await large(ctx, x))));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const analysisPath = join(import.meta.dir, "ANALYSIS.md");
const report = renderReport({
  scale,
  machine: await machine(),
  startedAt: new Date(started).toISOString(),
  durationS: (Date.now() - started) / 1000,
  loadBefore,
  loadAfter: loadavg()
    .map((l) => l.toFixed(2))
    .join(" "),
  results,
  errors,
  analysis: scale === "full" && existsSync(analysisPath) ? readFileSync(analysisPath, "utf8") : undefined,
});
writeFileSync(out, report);
if (values.json) writeFileSync(`${out}.json`, JSON.stringify({ scale, results, errors }, null, 2));
console.log(report);
console.error(`wrote ${out}`);
process.exit(errors.length ? 1 : 0);
