import type { z } from "zod";
import type { Logger } from "../log.ts";
import { DpError } from "../errors.ts";
import type { DeclaredColumn, SpoolEncoding } from "./stream-schema.ts";

export type { Logger, DeclaredColumn, SpoolEncoding };

export type RawRecord = Record<string, unknown>;

/**
 * Per-stream incremental state. `cursor` never moves past data that is durable in the lake; it is
 * kept exactly: a 64-bit integer or a decimal as a string.
 */
export interface StreamState {
  cursor?: string | number | null;
  [key: string]: unknown;
}

export interface StreamSpec {
  name: string;
  primaryKey: string[];
  /** field whose max value becomes the cursor for incremental pulls */
  cursorField?: string;
  /** DuckDB column types (name → type) that pin the raw schema; the types of other fields come from their values */
  columns?: Record<string, string>;
  description?: string;
}

export interface ReadContext {
  source: string;
  stream: StreamSpec;
  /** the project directory; relative paths in a source's config resolve against it */
  projectDir?: string;
  /** the lake root, for side outputs such as rejected rows (lake/rejected/…) */
  lakeDir?: string;
  /** state committed by the last successful pull, undefined on first or full-refresh pulls */
  state: StreamState | undefined;
  now: Date;
  fullRefresh: boolean;
  /** look back this many ms behind the cursor to catch late-arriving updates */
  lookbackMs: number;
  retry: { maxAttempts: number; maxWaitMs: number };
  /** requests per second, when the source sets one */
  rateLimit?: number;
  log: Logger;
  signal?: AbortSignal;
  /** called by the HTTP client so progress can show pages, retries */
  progress?: (event: { pages?: number; records?: number; retries?: number }) => void;
  /**
   * A source that knows its schema (a database's catalog) declares it before its first batch: every
   * record then has exactly these columns, each value as the column's type reads it from JSON (or
   * as its `encoding` says). Throws when the schema drifted and the source is frozen.
   */
  declare?: (columns: DeclaredColumn[]) => void;
}

/**
 * One page (or batch) of records plus the state that is safe to commit once
 * these records, and all before them, are durable.
 */
export interface Batch {
  records: RawRecord[];
  state?: StreamState;
}

export interface ConnectorDefinition<C = Record<string, unknown>> {
  name: string;
  description: string;
  /** zod schema of `sources.<name>.config`, strict: unknown keys are errors */
  config: z.ZodType<C>;
  /** config keys that hold secrets; they must come from ${ENV} */
  secretKeys?: string[];
  streams(config: C): StreamSpec[];
  read(config: C, ctx: ReadContext): AsyncIterable<Batch>;
}

export function defineConnector<C>(def: ConnectorDefinition<C>): ConnectorDefinition<C> {
  return def;
}

/**
 * What a connector throws when the credentials are valid but may not read one stream: a HubSpot private app
 * without the stream's scope, a Stripe restricted key without the resource's permission (both answer 403).
 * The pull then lands nothing for the stream; a stream the project's models only read as optional is
 * skipped with one warning and the rest of the source goes on, any other fails the source with this error.
 * Bad credentials (401) are never this: every stream fails alike.
 */
export class StreamAccessDenied extends DpError {
  constructor(
    readonly stream: string,
    /** what the credentials lack, as the vendor names it: "scope crm.objects.owners.read", "permission rak_refund_read" */
    readonly lacks: string,
    /** how to grant it, without the alternative of dropping the stream: "add crm.objects.owners.read to the HubSpot private app's scopes" */
    readonly grant: string,
    options: { source: string; status: number; where: string; detail?: string },
  ) {
    super(
      "SOURCE_AUTH",
      `no access to stream ${stream} (${options.status}): the credentials lack ${lacks}${options.detail ? ` (${options.detail})` : ""}`,
      {
        where: options.where,
        fix: `${grant}, then rerun \`dp pull ${options.source}\``,
      },
    );
    this.name = "StreamAccessDenied";
  }
}
