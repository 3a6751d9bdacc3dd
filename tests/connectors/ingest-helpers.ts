import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { streamGlob } from "../../engine/ingest/lake-writer.ts";
import { setQuiet } from "../../engine/log.ts";
import { loadProject, type Project } from "../../engine/config/project.ts";
import { pull, type PullOptions, type SourceResult } from "../../engine/ingest/pull.ts";
import { StateStore, type SourceState } from "../../engine/ingest/cursor-state.ts";

setQuiet(true);

/** A throwaway project dir with one project.yaml; remove() when done. */
export class TempProject {
  readonly dir: string;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `dp-${prefix}-`));
  }

  writeConfig(sources: Record<string, unknown>): Project {
    writeFileSync(join(this.dir, "project.yaml"), stringify({ name: "t", sources }));
    return loadProject(this.dir);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  async pull(options: PullOptions = {}): Promise<SourceResult[]> {
    return pull(loadProject(this.dir), options);
  }

  state(source: string): SourceState {
    return new StateStore(loadProject(this.dir).paths.state).read(source);
  }

  rawGlob(source: string, stream: string): string {
    return streamGlob(loadProject(this.dir).paths.raw, source, stream);
  }

  /** Run SQL over the lake; `{raw:source.stream}` stands for read_parquet of that stream. */
  async query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: (string | number)[] = [],
  ): Promise<T[]> {
    const expanded = sql.replace(
      /\{raw:(\w+)\.(\w+)\}/g,
      (_m, s: string, t: string) => `read_parquet('${this.rawGlob(s, t)}', union_by_name = true)`,
    );
    const db = await Db.open(":memory:");
    try {
      return await db.all<T>(expanded, params);
    } finally {
      db.close();
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Database tests run against real servers. Under CI an unreachable server is a
 * failure, never a silent skip; on a laptop the suite is skipped with a visible line.
 */
export async function serverAvailable(name: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (process.env.CI) throw new Error(`${name} is unreachable and CI is set, so its tests cannot be skipped: ${why}`);
    console.warn(`SKIPPING ${name} tests: server unreachable (${why}); set CI=1 to make this a failure`);
    return false;
  }
}
