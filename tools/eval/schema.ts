import { z } from "zod";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** 0.5 is absolute; "1%" is relative to the expected value */
export const toleranceSchema = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(?:\.\d+)?%$/, 'a number or a percentage like "1%"'),
]);

export const refusalExpectSchema = z.strictObject({
  refusal: z.literal(true),
  /** words the refusal should give as its reason (case-insensitive substring) */
  reason: z.string().optional(),
});

export const answerExpectSchema = z.strictObject({
  tool: z.string().describe("the tool the question must be answered with"),
  /** key fields of its input; periods compare by the dates they resolve to */
  input: z.record(z.string(), z.unknown()).default({}),
  /** pick the row of `rows` the value is read from, e.g. { plan_tier: pro } or { rank: 1 } */
  where: z.record(z.string(), scalar).optional(),
  /** the tool's main value: rows[].value for query_metric/top_n, current.value for compare_periods */
  value: z.number().nullable().optional(),
  /** more values by path into the tool's output, e.g. "previous.value": 53, "sources.length": 4 */
  output: z.record(z.string(), scalar).default({}),
  tolerance: toleranceSchema.optional(),
});

/**
 * The format after #15: what the answer TEXT must say. `sql` runs against the built warehouse (one row; the
 * first column is the value); value/text cases need it, refuse/clarify cases have none.
 */
export const textExpectSchema = z
  .strictObject({
    answer: z.enum(["value", "text", "refuse", "clarify"]),
    sql: z.string().min(1).optional(),
    unit: z.enum(["money", "percent", "count", "number", "days"]).optional(),
    tolerance: toleranceSchema.optional(),
  })
  .refine((e) => (e.answer === "value" || e.answer === "text") === !!e.sql, {
    message: "value and text cases need `sql` (one row, the value first); refuse and clarify cases have none",
  });

export const evalCaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lowercase letters, digits, - and _"),
  question: z.string().min(1),
  tags: z.array(z.string()).default([]),
  expect: z.union([textExpectSchema, refusalExpectSchema, answerExpectSchema]),
});

export const evalFileSchema = z.strictObject({
  description: z.string().optional(),
  /** expected values hold at this instant: the harness pins DP_NOW to it for the file's cases */
  now: z.string().optional(),
  /** default tolerance for the file's values */
  tolerance: toleranceSchema.default("0.1%"),
  cases: z.array(evalCaseSchema).min(1),
});

export type EvalCase = z.output<typeof evalCaseSchema>;
export type EvalFile = z.output<typeof evalFileSchema>;
export type AnswerExpect = z.output<typeof answerExpectSchema>;
export type Tolerance = z.output<typeof toleranceSchema>;

export type TextExpectDef = z.output<typeof textExpectSchema>;

export function isTextExpect(e: EvalCase["expect"]): e is TextExpectDef {
  return "answer" in e;
}

export function isRefusal(e: EvalCase["expect"]): e is z.output<typeof refusalExpectSchema> {
  return "refusal" in e;
}
