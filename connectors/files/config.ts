import { z } from "zod";

export const FORMATS = ["csv", "json", "ndjson", "parquet"] as const;
export type FileFormat = (typeof FORMATS)[number];

export const ENCODINGS = ["auto", "utf-8", "latin-1", "windows-1252", "utf-16le", "utf-16be"] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const fileStreamSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, "stream names are lowercase snake_case"),
    /** a glob relative to the project dir (or absolute) */
    path: z.string().min(1).optional(),
    url: z
      .string()
      .regex(/^https?:\/\//, "expected an http(s):// URL")
      .optional(),
    /** default: from the file extension */
    format: z.enum(FORMATS).optional(),
    primary_key: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** CSV only; default: sniffed */
    delimiter: z.string().min(1).max(4).optional(),
    encoding: z.enum(ENCODINGS).default("auto"),
    /** CSV only; default: sniffed */
    header: z.boolean().optional(),
    /** CSV only; "," for European Excel exports */
    decimal_separator: z.enum([".", ","]).optional(),
    on_bad_rows: z.enum(["fail", "reject"]).default("fail"),
    batch_size: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .refine((s) => (s.path === undefined) !== (s.url === undefined), {
    message: "set exactly one of path or url",
    path: ["path"],
  });

export const filesConfigSchema = z
  .strictObject({ streams: z.array(fileStreamSchema).min(1) })
  .refine((c) => new Set(c.streams.map((s) => s.name)).size === c.streams.length, {
    message: "stream names must be unique",
    path: ["streams"],
  });

export type FileStreamConfig = z.infer<typeof fileStreamSchema>;
export type FilesConfig = z.infer<typeof filesConfigSchema>;

export function primaryKeyOf(pk: string | string[] | undefined): string[] {
  if (pk === undefined) return [];
  return typeof pk === "string" ? [pk] : pk;
}

/** Format from the configured value or the name (".csv.gz" counts as csv). */
export function detectFormat(name: string, configured: FileFormat | undefined): FileFormat | undefined {
  if (configured) return configured;
  const base = name.toLowerCase().replace(/\.(gz|zst)$/, "");
  if (/\.(csv|tsv|txt)$/.test(base)) return "csv";
  if (/\.(ndjson|jsonl)$/.test(base)) return "ndjson";
  if (base.endsWith(".json")) return "json";
  if (/\.(parquet|pq)$/.test(base)) return "parquet";
  return undefined;
}
