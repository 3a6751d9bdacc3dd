import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import type { StreamState } from "./connector.ts";
import type { ColumnSchema } from "./stream-schema.ts";
import { DpError } from "../errors.ts";
import { writeFileAtomic, writeFileAtomicAsync } from "../atomic-write.ts";
import { log } from "../log.ts";

export type { ColumnSchema };

export interface StreamRecord {
  state?: StreamState;
  last_success_at?: string;
  last_run_id?: string;
  rows_total?: number;
  last_rows?: number;
  schema?: ColumnSchema[];
  drift?: { at: string; added: string[]; removed: string[]; retyped: string[] }[];
  /** the last pull could not read the stream (StreamAccessDenied): what the credentials lack and how to grant it */
  denied?: { at: string; lacks: string; fix: string };
}

export interface SourceState {
  version: 1;
  streams: Record<string, StreamRecord>;
  last_success_at?: string;
  last_error?: { at: string; message: string };
}

/** lake/state/<source>.json, replaced atomically after the data it describes is durable. */
export class StateStore {
  constructor(private readonly dir: string) {}

  path(source: string): string {
    return join(this.dir, `${source}.json`);
  }

  read(source: string): SourceState {
    const file = this.path(source);
    if (!existsSync(file)) return { version: 1, streams: {} };
    try {
      return JSON.parse(readFileSync(file, "utf8")) as SourceState;
    } catch (e) {
      // failing every run on it would be a crash loop; without a cursor the next pull re-reads (staging dedups)
      const movedTo = join(this.dir, "..", "quarantine", "state", `${source}.json.${Date.now()}`);
      try {
        mkdirSync(dirname(movedTo), { recursive: true });
        renameSync(file, movedTo);
      } catch {
        throw new DpError("IO", `state file ${file} is corrupt`, {
          where: file,
          fix: `move it aside and run \`dp pull ${source} --full-refresh\``,
          cause: e,
        });
      }
      log.error(
        `state file ${file} is corrupt (${(e as Error).message}); moved it to ${movedTo}: the next pull of ${source} re-reads it from the start`,
      );
      return { version: 1, streams: {} };
    }
  }

  write(source: string, state: SourceState): void {
    writeFileAtomic(this.path(source), `${JSON.stringify(state, null, 2)}\n`);
  }

  update(source: string, fn: (s: SourceState) => void): SourceState {
    const s = this.read(source);
    fn(s);
    this.write(source, s);
    return s;
  }

  /** `update` with the write and its fsyncs off the calling thread; callers must not overlap two for one source. */
  async updateAsync(source: string, fn: (s: SourceState) => void): Promise<SourceState> {
    const s = this.read(source);
    fn(s);
    await writeFileAtomicAsync(this.path(source), `${JSON.stringify(s, null, 2)}\n`);
    return s;
  }
}
