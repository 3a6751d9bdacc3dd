import { z } from "zod";

/** A generic data test as written in YAML: `not_null` or `{ accepted_values: { values: [...] } }`. */
const severity = z.enum(["error", "warn"]).default("error");

export const columnTestSchema = z.union([
  z.enum(["not_null", "unique"]),
  z.strictObject({ not_null: z.strictObject({ severity, where: z.string().optional() }) }),
  z.strictObject({ unique: z.strictObject({ severity, where: z.string().optional() }) }),
  z.strictObject({
    accepted_values: z.strictObject({ values: z.array(z.union([z.string(), z.number(), z.boolean()])), severity }),
  }),
  z.strictObject({ relationships: z.strictObject({ to: z.string(), field: z.string(), severity }) }),
]);

export const modelTestSchema = z.union([
  z.strictObject({
    expression: z.union([z.string(), z.strictObject({ sql: z.string(), severity, name: z.string().optional() })]),
  }),
  z.strictObject({ row_count: z.strictObject({ min: z.number().optional(), max: z.number().optional(), severity }) }),
  z.strictObject({ unique_combination: z.strictObject({ columns: z.array(z.string()).min(1), severity }) }),
  z.strictObject({ recency: z.strictObject({ column: z.string(), max_age: z.string(), severity }) }),
]);

export const columnSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  type: z.string().optional(),
  pii: z.boolean().default(false),
  tests: z.array(columnTestSchema).default([]),
  /** other names people use for the column, e.g. owner: [rep, sales rep] (dp ask reads "pipeline by rep") */
  synonyms: z.array(z.string()).default([]),
  /** words that mean a set of the column's values: { "high priority": [high, urgent] } → priority in (high, urgent) */
  value_synonyms: z.record(z.string(), z.array(z.union([z.string(), z.number(), z.boolean()])).min(1)).optional(),
  /**
   * an amount's currency: the column of the same row holding its ISO code (default: the currency_column of the
   * mart's metrics, else a column named currency). Amounts of rows in several currencies are never added or
   * ranked together (top_n converts them with vars.fx_rates, or ranks each currency on its own); false: no
   * column of the row says it (amounts from a source that keeps one currency, as the metrics over them do)
   */
  currency_column: z.union([z.string(), z.literal(false)]).optional(),
});

/** One stream a model can do without: the columns it lands with, and what the models give while it is absent. */
export const optionalSourceSchema = z.strictObject({
  /** the answers without it, said wherever the absence is (dp build, dp run, dp sources, dp doctor) */
  when_absent: z.string().optional(),
  /** column → DuckDB type, as the connector lands the stream (`portalId: BIGINT`, `additionalCurrencies: JSON`) */
  columns: z
    .record(z.string(), z.string().regex(/^[A-Za-z][A-Za-z0-9_ ,()".[\]]*$/, "a DuckDB type: VARCHAR, BIGINT, JSON, …"))
    .refine((c) => Object.keys(c).length > 0, "name the columns the stream lands, with their DuckDB types"),
});

export const modelSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  materialized: z.enum(["table", "view", "incremental"]).optional(),
  unique_key: z.union([z.string(), z.array(z.string())]).optional(),
  incremental_strategy: z.enum(["append", "merge", "delete+insert"]).optional(),
  tags: z.array(z.string()).default([]),
  owner: z.string().optional(),
  contract: z.boolean().default(false),
  publish_parquet: z.boolean().default(false),
  columns: z.array(columnSchema).default([]),
  tests: z.array(modelTestSchema).default([]),
  /**
   * raw streams the model can do without, keyed by the stream its source() names (`account` for
   * source('hubspot', 'account')): while one has never landed (left out of the source's streams, or its pull
   * refused) the model reads an empty relation of these columns instead of failing, and the build says so
   */
  optional_sources: z.record(z.string(), optionalSourceSchema).optional(),
});

export const metricSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label: z.string().optional(),
  description: z.string(),
  mart: z.string(),
  time_column: z.string(),
  /** an aggregate over the mart's columns, written by the project author (never by the LLM) */
  expression: z.string(),
  /** how the metric rolls up over time when the grain is coarser than the mart: sum (flows) or last (stocks) */
  time_rollup: z.enum(["sum", "last", "first", "ratio"]).default("sum"),
  format: z.enum(["number", "currency", "percent"]).default("number"),
  unit: z.string().optional(),
  /**
   * the dimension holding each row's ISO currency code (usd, eur): the answer's currency comes from the data.
   * `split` (money and money ratios): rows in several currencies give one value per currency, never a sum;
   * `combined` (counts of customers): one number over every currency, and the answer says which it spans
   */
  currency_column: z.string().optional(),
  currencies: z.enum(["split", "combined"]).default("split"),
  dimensions: z.array(z.string()).default([]),
  synonyms: z.array(z.string()).default([]),
  /**
   * verbs (and state words) that say this metric's event or state, as a founder types them: "book", "land", "shed",
   * "bring in", "log in". A verb said with the metric is placed (never dropped); and a name of the metric whose event
   * word is one of these verbs may be said with another of them ("customers we shed" is "customers lost"). A verb
   * alone never names a metric; one said of several metrics' names asks back.
   */
  verbs: z.array(z.string()).default([]),
  /** the grain of the mart's time column */
  grain: z.enum(["day", "week", "month", "quarter", "year"]).default("month"),
  higher_is_better: z.boolean().default(true),
  /**
   * another metric an answer states beside this one, for the same period and filters: the count behind an
   * amount (open pipeline → open deals) or the amount behind a count (deals won → closed-won amount).
   * It must read the same mart and have this metric's dimensions, so every filter applies to both.
   */
  companion: z.string().optional(),
  /**
   * the metric this one counts a part of, over the same mart, period and filters (high-priority tickets of tickets
   * opened): "what share of tickets were high priority" is this one over that one. Both add up over time (sum).
   */
  part_of: z.string().optional(),
  /** the metric's chart on the dashboards (`dp serve`, `dp docs`); false leaves it off; every key has a default */
  chart: z
    .union([
      z.literal(false),
      z.strictObject({
        /** default: bar for flows (time_rollup sum), line for stocks and ratios */
        type: z.enum(["line", "bar"]).optional(),
        /** default: the metric's grain; never finer */
        grain: z.enum(["day", "week", "month", "quarter", "year"]).optional(),
        /** how many periods back from the newest one; default 90 days, 26 weeks, 24 months, 8 quarters, 5 years */
        periods: z.number().int().min(2).max(400).optional(),
        /** the dimension the breakdown view opens on; default: the metric's first dimension */
        breakdown: z.string().optional(),
        /** the dashboard page it sits on (revenue, customers, …); default: its mart */
        page: z
          .string()
          .regex(/^[a-z][a-z0-9_-]*$/, "a page name in lowercase: revenue, customers, …")
          .optional(),
      }),
    ])
    .optional(),
});

const unitRow = z.record(z.string(), z.unknown());

/** A unit test of one model's logic on fixed rows; runs on an in-memory DuckDB, without the lake. */
export const unitTestSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  model: z.string(),
  description: z.string().optional(),
  given: z
    .array(
      z.strictObject({
        /** ref('model') or source('source', 'stream') */
        input: z
          .string()
          .regex(
            /^\s*(ref\(\s*['"][^'"]+['"]\s*\)|source\(\s*['"][^'"]+['"]\s*,\s*['"][^'"]+['"]\s*\))\s*$/,
            "write ref('model') or source('source', 'stream')",
          ),
        rows: z.array(unitRow),
        /** column types where the rows alone leave them ambiguous: { created_at: TIMESTAMP } */
        types: z.record(z.string(), z.string()).optional(),
      }),
    )
    .default([]),
  expect: z.strictObject({ rows: z.array(unitRow) }),
});

export const modelsFileSchema = z.strictObject({
  version: z.number().optional(),
  models: z.array(modelSchema).default([]),
  metrics: z.array(metricSchema).default([]),
  unit_tests: z.array(unitTestSchema).default([]),
});

export type ModelYaml = z.infer<typeof modelSchema>;
export type MetricDef = z.infer<typeof metricSchema>;
export type ColumnTest = z.infer<typeof columnTestSchema>;
export type ModelTest = z.infer<typeof modelTestSchema>;
export type UnitTestDef = z.infer<typeof unitTestSchema>;
export type OptionalSourceDef = z.infer<typeof optionalSourceSchema>;
