import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { limitConnection, lit } from "../lib/limit-db.ts";
import { run, runOk } from "../lib/measure.ts";
import { PAGE_SIZE, writePages } from "../lib/pages.ts";
import { relative, type BenchContext, type CaseResult } from "../lib/types.ts";

export interface IngestRun {
  records: number;
  dpMs: number;
  limitMs: number;
  dpPeakMb: number;
  limitPeakMb: number;
}

const SIZES = { tiny: [2_000, 20_000], full: [100_000, 1_000_000] } as const;

/** `dp pull` of a REST source (1,000 records a page) from a fake API in its own process, vs DuckDB on the same records as NDJSON. */
export async function ingestOnce(ctx: BenchContext, records: number): Promise<IngestRun> {
  const dir = join(ctx.work, `ingest-${records}`);
  rmSync(dir, { recursive: true, force: true });
  const { pages, bytes } = writePages(join(dir, "pages"), records);
  ctx.log(`ingest: ${records} records, ${pages} pages, ${(bytes / 2 ** 20).toFixed(0)} MB of JSON`);
  const server = Bun.spawn(["bun", join(import.meta.dir, "../lib/pages-server.ts"), join(dir, "pages")], { stdout: "pipe", stderr: "inherit" });
  try {
    const reader = server.stdout.getReader();
    const first = await reader.read();
    const baseUrl = new TextDecoder().decode(first.value).trim();
    reader.releaseLock();
    const project = join(dir, "project");
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, "project.yaml"),
      `name: bench_ingest
sources:
  api:
    connector: rest
    config:
      base_url: ${baseUrl}
      records_path: data
      paginator: { type: cursor, cursor_path: next_cursor, cursor_param: cursor }
      streams:
        records: { path: /records }
`,
    );
    const dp = await runOk([...ctx.dp, "pull", "-C", project], { rss: true, env: { DP_LOG: "warn" } });
    const landed = await countParquet(join(project, "lake/raw/api/records/*/*.parquet"));
    if (landed !== records) throw new Error(`ingest: dp landed ${landed} records, expected ${records}`);
    const limitOut = join(dir, "limit.parquet");
    const limit = await runOk(["bun", join(import.meta.dir, "../limits/ingest.ts"), join(dir, "pages/ndjson"), limitOut], { rss: true });
    const limitRows = await countParquet(limitOut);
    if (limitRows !== records) throw new Error(`ingest limit wrote ${limitRows} rows, expected ${records}`);
    return { records, dpMs: dp.ms, limitMs: limit.ms, dpPeakMb: dp.peakMb, limitPeakMb: limit.peakMb };
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function countParquet(glob: string): Promise<number> {
  const { conn, close } = await limitConnection(":memory:");
  try {
    return Number((await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${lit(glob)})`)).getRowObjects()[0]!.n);
  } finally {
    close();
  }
}

export async function ingest(ctx: BenchContext): Promise<{ result: CaseResult; runs: IngestRun[] }> {
  const runs: IngestRun[] = [];
  for (const n of SIZES[ctx.scale]) runs.push(await ingestOnce(ctx, n));
  const [x1, x10] = runs as [IngestRun, IngestRun];
  const result = relative(`ingest ${x10.records.toLocaleString("en")} records (≈1 KB, ${PAGE_SIZE}/page) → raw Parquet`, "ms", x10.dpMs, x10.limitMs, 2, {
    detail: `dp ${Math.round(x10.records / (x10.dpMs / 1000)).toLocaleString("en")} records/s, limit ${Math.round(x10.records / (x10.limitMs / 1000)).toLocaleString("en")} records/s`,
    scaling: {
      what: "ingest wall time",
      unit: "ms",
      x1: { input: `${x1.records.toLocaleString("en")} records`, dp: x1.dpMs, limit: x1.limitMs },
      x10: { input: `${x10.records.toLocaleString("en")} records`, dp: x10.dpMs, limit: x10.limitMs },
    },
  });
  return { result, runs };
}
