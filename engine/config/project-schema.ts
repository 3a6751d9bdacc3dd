import { z } from "zod";
import { parseDuration } from "../clock.ts";

/** A size DuckDB takes for memory_limit: project.yaml's warehouse.memory_limit and DP_MEMORY_LIMIT alike. */
export const MEMORY_SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

const duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'expected a duration like "30m", "6h" or "2d"' });

export const freshnessSchema = z.strictObject({
  warn_after: duration.optional(),
  error_after: duration.optional(),
});

export const sourceSchema = z.strictObject({
  connector: z.string().min(1),
  owner: z.string().optional(),
  description: z.string().optional(),
  freshness: freshnessSchema.optional(),
  schedule: z.string().optional(),
  schema: z.enum(["evolve", "freeze", "warn"]).default("evolve"),
  retries: z
    .strictObject({
      max_attempts: z.number().int().min(1).max(20).default(5),
      max_wait: duration.default("60s"),
    })
    .optional(),
  rate_limit: z.number().positive().optional(),
  lookback: duration.optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

export const aiSchema = z.strictObject({
  provider: z.enum(["anthropic"]).default("anthropic"),
  model: z.string().default("claude-haiku-4-5"),
  escalate_model: z.string().optional(),
  daily_budget_usd: z.number().nonnegative().default(2),
  max_tool_calls: z.number().int().positive().default(8),
  max_tokens_per_question: z.number().int().positive().default(50_000),
  allow_row_level: z.boolean().default(false),
  quality_gate: z.enum(["warn", "refuse"]).default("warn"),
  allow_act_unattended: z.boolean().default(false),
  /** one question's wall-clock limit on the LLM path, retries and tool calls included */
  deadline_seconds: z.number().positive().max(3600).default(60),
  /** extended thinking: tokens the model may reason with per turn (off when unset) */
  thinking_budget_tokens: z.number().int().min(1024).optional(),
});

export const alertsSchema = z.strictObject({
  slack_webhook: z.string().optional(),
  webhook: z.string().optional(),
  dedup_window: duration.default("6h"),
  /** alert once when a run has held the project lock longer than this (a hung run stops every cron firing) */
  lock_alert_after: duration.default("2h"),
});

export const exportSchema = z.strictObject({
  mart: z.string(),
  to: z.string(),
  schedule: z.string().optional(),
  /** columns tagged `pii: true` are masked unless this says otherwise */
  include_pii: z.boolean().default(false),
});

export const projectSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/i, "use letters, digits, _ and -"),
  sources: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, "source names are lowercase snake_case"), sourceSchema)
    .default({}),
  models: z.strictObject({ path: z.string().default("models") }).default({ path: "models" }),
  lake: z.strictObject({ path: z.string().default("lake") }).default({ path: "lake" }),
  warehouse: z
    .strictObject({
      path: z.string().default("warehouse/dp.duckdb"),
      threads: z.number().int().positive().optional(),
      memory_limit: z.string().regex(MEMORY_SIZE, "use a size such as 768MB or 2GB").optional(),
    })
    .default({ path: "warehouse/dp.duckdb" }),
  ai: aiSchema.default(aiSchema.parse({})),
  alerts: alertsSchema.optional(),
  exports: z.array(exportSchema).default([]),
  brief: z.strictObject({ metrics: z.array(z.string()) }).optional(),
  /** values models read with {{ var('name') }} (dbt's vars): settings a definition depends on */
  vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "var names are identifiers"), z.unknown()).default({}),
  evals: z
    .strictObject({ path: z.string().default("evals"), threshold: z.number().min(0).max(1).default(0.9) })
    .optional(),
});

export type ProjectConfig = z.infer<typeof projectSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
