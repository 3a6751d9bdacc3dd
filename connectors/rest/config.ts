import { z } from "zod";

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const params = z.record(z.string(), scalar);

export const paginatorConfig = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({ type: z.literal("cursor"), cursor_path: z.string().min(1), cursor_param: z.string().min(1) }),
  z.strictObject({ type: z.literal("link_header"), rel: z.string().default("next") }),
  z.strictObject({
    type: z.literal("offset"),
    limit: z.number().int().positive().default(100),
    offset_param: z.string().default("offset"),
    limit_param: z.string().default("limit"),
    start: z.number().int().min(0).default(0),
    total_path: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal("page_number"),
    page_param: z.string().default("page"),
    start_page: z.number().int().min(0).default(1),
    page_size: z.number().int().positive().optional(),
    page_size_param: z.string().optional(),
    total_pages_path: z.string().optional(),
  }),
]);

export const authConfig = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("bearer"), token: z.string().min(1) }),
  z.strictObject({ type: z.literal("basic"), username: z.string(), password: z.string() }),
  z.strictObject({
    type: z.literal("api_key"),
    name: z.string().min(1),
    api_key: z.string().min(1),
    location: z.enum(["header", "query"]).default("header"),
  }),
]);

const primaryKey = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const streamConfig = z
  .strictObject({
    path: z.string().min(1),
    params: params.optional(),
    records_path: z.string().optional(),
    primary_key: primaryKey.optional(),
    paginator: paginatorConfig.optional(),
    /** record field whose max value is the incremental cursor */
    cursor_field: z.string().optional(),
    /** query param that sends the cursor back on the next pull */
    cursor_param: z.string().optional(),
    /** how the cursor is sent: as stored, or as a timestamp (then `lookback` applies) */
    cursor_format: z.enum(["raw", "iso", "unix", "unix_ms"]).default("raw"),
    columns: z.record(z.string(), z.string()).optional(),
  })
  .refine((s) => !s.cursor_param || s.cursor_field, {
    message: "cursor_param needs cursor_field (the record field the cursor is read from)",
    path: ["cursor_param"],
  });

export const restConfig = z.strictObject({
  base_url: z.url(),
  authentication: authConfig.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** sent with every stream's requests */
  params: params.optional(),
  paginator: paginatorConfig.default({ type: "none" }),
  records_path: z.string().optional(),
  primary_key: primaryKey.default("id"),
  streams: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, "stream names are lowercase snake_case"), streamConfig)
    .refine((s) => Object.keys(s).length > 0, { message: "list at least one stream" }),
  timeout_seconds: z.number().positive().default(30),
});

export type RestConfig = z.infer<typeof restConfig>;
export type RestStreamConfig = z.infer<typeof streamConfig>;
export type PaginatorConfig = z.infer<typeof paginatorConfig>;
export type AuthConfig = z.infer<typeof authConfig>;
