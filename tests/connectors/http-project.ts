import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { streamGlob } from "../../engine/ingest/lake-writer.ts";
import { setQuiet } from "../../engine/log.ts";
import { loadProject } from "../../engine/config/project.ts";
import { pull, type PullOptions, type SourceResult } from "../../engine/ingest/pull.ts";
import { StateStore, type StreamRecord } from "../../engine/ingest/cursor-state.ts";

setQuiet(true);

const RUNNER = join(import.meta.dir, "pull-runner.ts");

/** Fast retries for tests: waits stay in milliseconds. */
export const FAST_RETRIES = { max_attempts: 4, max_wait: "0.05s" };

/** A temp project with one source; `${VAR}` refs in config are resolved from process.env by dp. */
export class HttpProject {
  readonly dir = mkdtempSync(join(tmpdir(), "dp-http-"));

  constructor(
    readonly source: string,
    definition: Record<string, unknown>,
  ) {
    this.write(definition);
  }

  write(definition: Record<string, unknown>): void {
    writeFileSync(
      join(this.dir, "project.yaml"),
      stringify({ name: "t", sources: { [this.source]: { retries: FAST_RETRIES, ...definition } } }),
    );
  }

  async pull(options: PullOptions = {}): Promise<SourceResult> {
    const [result] = await pull(loadProject(this.dir), options);
    return result!;
  }

  /** Start a pull in a child process (so it can be killed -9). */
  spawnPull(maxFileRecords?: number) {
    return Bun.spawn(["bun", RUNNER, this.dir, ...(maxFileRecords ? [String(maxFileRecords)] : [])], {
      stdout: "pipe",
      stderr: "pipe",
      env: process.env,
    });
  }

  stream(stream: string): StreamRecord | undefined {
    return new StateStore(join(this.dir, "lake", "state")).read(this.source).streams[stream];
  }

  parquetFiles(stream: string): string[] {
    const dir = join(this.dir, "lake", "raw", this.source, stream);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".parquet"));
  }

  /** count(*), count(distinct pk), and an optional extra aggregate over the stream's raw files. */
  async lake(stream: string, pk = "id", extra = "NULL"): Promise<{ rows: number; distinct: number; extra: unknown }> {
    if (this.parquetFiles(stream).length === 0) return { rows: 0, distinct: 0, extra: null };
    const glob = streamGlob(join(this.dir, "lake", "raw"), this.source, stream);
    const db = await Db.open(":memory:");
    try {
      const row = await db.one(
        `SELECT count(*) AS rows, count(DISTINCT ${pk}) AS d, ${extra} AS extra FROM read_parquet('${glob}', union_by_name = true)`,
      );
      return {
        rows: Number(row!.rows),
        distinct: Number(row!.d),
        extra: typeof row!.extra === "bigint" ? Number(row!.extra) : row!.extra,
      };
    } finally {
      db.close();
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
