import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultMemoryLimit, defaultThreads } from "../../engine/warehouse/duckdb-settings.ts";
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
  /** the same limit with dp's default threads and memory limit */
  cappedMs: number;
  cappedPeakMb: number;
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
    const limitRun = async (mode: string[]) => {
      const limitOut = join(dir, "limit.parquet");
      const limit = await runOk(
        ["bun", join(import.meta.dir, "../limits/ingest.ts"), join(dir, "pages/ndjson"), limitOut, ...mode],
        { rss: true },
      );
      const limitRows = await countParquet(limitOut);
      if (limitRows !== records) throw new Error(`ingest limit wrote ${limitRows} rows, expected ${records}`);
      rmSync(limitOut, { force: true });
      return limit;
    };
    const limit = await limitRun([]);
    const capped = await limitRun(["--capped"]);
    ctx.log(
      `ingest via ${via} ${records}: dp ${dp.ms.toFixed(0)} ms, DuckDB at its defaults ${limit.ms.toFixed(0)} ms, at dp's cap ${capped.ms.toFixed(0)} ms`,
    );
    return {
      records,
      dpMs: dp.ms,
      limitMs: limit.ms,
      dpPeakMb: dp.peakMb,
      limitPeakMb: limit.peakMb,
      cappedMs: capped.ms,
      cappedPeakMb: capped.peakMb,
    };
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

/** dp's default DuckDB settings, as the capped limit runs them */
export const DP_CAP = `${defaultThreads()} threads, ${defaultMemoryLimit()}`;

export async function ingest(
  ctx: BenchContext,
  via: IngestVia = "rest",
): Promise<{ results: CaseResult[]; runs: IngestRun[] }> {
  const runs: IngestRun[] = [];
  for (const n of SIZES[ctx.scale]) runs.push(await ingestOnce(ctx, n, via));
  const [x1, x10] = runs as [IngestRun, IngestRun];
  const what =
    via === "stripe" ? `through the Stripe connector (≈1 KB, ${STRIPE_PAGE_SIZE}/page)` : `(≈1 KB, ${PAGE_SIZE}/page)`;
  const name = `ingest ${x10.records.toLocaleString("en")} records ${what} → raw Parquet`;
  const rate = (ms: number) => Math.round(x10.records / (ms / 1000)).toLocaleString("en");
  const atDefaults = relative(`${name}; limit: DuckDB at its default settings`, "ms", x10.dpMs, x10.limitMs, 1.3, {
    detail: `dp ${rate(x10.dpMs)} records/s, DuckDB at its defaults (every core, 80% of the RAM) ${rate(x10.limitMs)} records/s, DuckDB at dp's cap (${DP_CAP}) ${rate(x10.cappedMs)} records/s (${(x10.dpMs / x10.cappedMs).toFixed(2)}×); each a whole process timed by GNU time`,
    scaling: {
      what: via === "stripe" ? "ingest wall time, Stripe connector" : "ingest wall time",
      unit: "ms",
      x1: { input: `${x1.records.toLocaleString("en")} records`, dp: x1.dpMs, limit: x1.limitMs },
      x10: { input: `${x10.records.toLocaleString("en")} records`, dp: x10.dpMs, limit: x10.limitMs },
    },
  });
  if (via === "stripe") return { results: [atDefaults], runs };
  const capped = relative(`${name}; limit: DuckDB at dp's cap (${DP_CAP})`, "ms", x10.dpMs, x10.cappedMs, 1.3, {
    detail: `the same dp run against DuckDB given the threads and memory limit dp gives its own DuckDB by default; at ${x1.records.toLocaleString("en")} records ${(x1.dpMs / x1.cappedMs).toFixed(2)}× (${(x1.dpMs / x1.limitMs).toFixed(2)}× against DuckDB at its defaults)`,
  });
  return { results: [atDefaults, capped], runs };
}
