import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { limitConnection, lit } from "../lib/limit-db.ts";
import { runOk } from "../lib/measure.ts";
import { PAGE_SIZE, STRIPE_PAGE_SIZE, writePages } from "../lib/pages.ts";
import { relative, type BenchContext, type CaseResult } from "../lib/types.ts";

export interface IngestRun {
  records: number;
  dpMs: number;
  limitMs: number;
  dpPeakMb: number;
  limitPeakMb: number;
}

const SIZES = { tiny: [2_000, 20_000], full: [100_000, 1_000_000] } as const;

/** The source the records are pulled through: the declarative REST connector, or the Stripe connector (Stripe's list format, 100 a page). */
export type IngestVia = "rest" | "stripe";

const SOURCES: Record<IngestVia, (baseUrl: string) => string> = {
  rest: (baseUrl) => `  api:
    connector: rest
    config:
      base_url: ${baseUrl}
      records_path: data
      paginator: { type: cursor, cursor_path: next_cursor, cursor_param: cursor }
      streams:
        records: { path: /records }
`,
  stripe: (baseUrl) => `  api:
    connector: stripe
    config:
      api_key: \${BENCH_STRIPE_KEY}
      base_url: ${baseUrl}
      streams: [records]
`,
};

/** `dp pull` of the records from a fake API in its own process, vs DuckDB on the same records as NDJSON. */
export async function ingestOnce(ctx: BenchContext, records: number, via: IngestVia = "rest"): Promise<IngestRun> {
  const dir = join(ctx.work, `ingest-${via}-${records}`);
  rmSync(dir, { recursive: true, force: true });
  const pageSize = via === "stripe" ? STRIPE_PAGE_SIZE : PAGE_SIZE;
  const { pages, bytes } = writePages(join(dir, "pages"), records, pageSize);
  ctx.log(`ingest via ${via}: ${records} records, ${pages} pages, ${(bytes / 2 ** 20).toFixed(0)} MB of JSON`);
  const server = Bun.spawn(
    ["bun", join(import.meta.dir, "../lib/pages-server.ts"), join(dir, "pages"), String(pageSize)],
    { stdout: "pipe", stderr: "inherit" },
  );
  try {
    const reader = server.stdout.getReader();
    const first = await reader.read();
    const baseUrl = new TextDecoder().decode(first.value).trim();
    reader.releaseLock();
    const project = join(dir, "project");
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "project.yaml"), `name: bench_ingest\nsources:\n${SOURCES[via](baseUrl)}`);
    const dp = await runOk([...ctx.dp, "pull", "-C", project], {
      rss: true,
      env: { DP_LOG: "warn", BENCH_STRIPE_KEY: "sk_test_bench" },
    });
    const landed = await countParquet(join(project, "lake/raw/api/records/*/*.parquet"));
    if (landed !== records) throw new Error(`ingest: dp landed ${landed} records, expected ${records}`);
    const limitOut = join(dir, "limit.parquet");
    const limit = await runOk(
      ["bun", join(import.meta.dir, "../limits/ingest.ts"), join(dir, "pages/ndjson"), limitOut],
      { rss: true },
    );
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
    return Number(
      (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${lit(glob)})`)).getRowObjects()[0]!.n,
    );
  } finally {
    close();
  }
}

export async function ingest(
  ctx: BenchContext,
  via: IngestVia = "rest",
): Promise<{ result: CaseResult; runs: IngestRun[] }> {
  const runs: IngestRun[] = [];
  for (const n of SIZES[ctx.scale]) runs.push(await ingestOnce(ctx, n, via));
  const [x1, x10] = runs as [IngestRun, IngestRun];
  const what =
    via === "stripe" ? `through the Stripe connector (≈1 KB, ${STRIPE_PAGE_SIZE}/page)` : `(≈1 KB, ${PAGE_SIZE}/page)`;
  const result = relative(
    `ingest ${x10.records.toLocaleString("en")} records ${what} → raw Parquet`,
    "ms",
    x10.dpMs,
    x10.limitMs,
    2,
    {
      detail: `dp ${Math.round(x10.records / (x10.dpMs / 1000)).toLocaleString("en")} records/s, limit ${Math.round(x10.records / (x10.limitMs / 1000)).toLocaleString("en")} records/s`,
      scaling: {
        what: via === "stripe" ? "ingest wall time, Stripe connector" : "ingest wall time",
        unit: "ms",
        x1: { input: `${x1.records.toLocaleString("en")} records`, dp: x1.dpMs, limit: x1.limitMs },
        x10: { input: `${x10.records.toLocaleString("en")} records`, dp: x10.dpMs, limit: x10.limitMs },
      },
    },
  );
  return { result, runs };
}
