import { z } from "zod";
import { parseDuration } from "../../engine/clock.ts";
import type { StreamSpec } from "../../engine/ingest/connector.ts";

const primaryKey = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: (issue) =>
    issue.input === undefined
      ? "primary_key is required: the column, or list of columns, that identifies one row"
      : "primary_key is a column name or a list of column names",
});

export const sqlStreamSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, "stream names are lowercase snake_case"),
    /** "table" or "schema.table" */
    table: z.string().min(1).optional(),
    /** a SELECT; its output columns are what primary_key and cursor_field name */
    query: z.string().min(1).optional(),
    primary_key: primaryKey,
    /** an updated_at-style column that grows when a row changes */
    cursor_field: z.string().min(1).optional(),
    batch_size: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .refine((s) => (s.table === undefined) !== (s.query === undefined), {
    message: "set exactly one of table or query",
    path: ["table"],
  });

export type SqlStreamConfig = z.infer<typeof sqlStreamSchema>;

const duration = z.string().refine((s) => (parseDuration(s) ?? 0) > 0, "a duration such as 30s, 5m or 1h");

export const sqlConnectionShape = {
  url: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  port: z.number().int().positive().optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  database: z.string().min(1).optional(),
  ssl: z.boolean().optional(),
  /** how long one page's query may run, lock waits included, before it is cancelled and retried */
  statement_timeout: duration.default("10m"),
  streams: z.array(sqlStreamSchema).min(1),
};

export const sqlConfigSchema = z
  .strictObject(sqlConnectionShape)
  .refine((c) => (c.url === undefined) !== (c.host === undefined), {
    message: "set either url or host (with user, password, database)",
    path: ["url"],
  })
  .refine((c) => new Set(c.streams.map((s) => s.name)).size === c.streams.length, {
    message: "stream names must be unique",
    path: ["streams"],
  });

export type SqlConfig = z.infer<typeof sqlConfigSchema>;

export function sqlStreams(streams: SqlStreamConfig[]): StreamSpec[] {
  return streams.map((s) => ({
    name: s.name,
    primaryKey: primaryKeyOf(s),
    cursorField: s.cursor_field,
    description: s.table ? `table ${s.table}` : "query",
  }));
}

export function primaryKeyOf(s: SqlStreamConfig): string[] {
  return typeof s.primary_key === "string" ? [s.primary_key] : s.primary_key;
}

export function statementTimeoutMs(config: SqlConfig): number {
  return parseDuration(config.statement_timeout) ?? 600_000;
}
