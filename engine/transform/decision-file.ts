import { didYouMean } from "../closest-name.ts";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DpError } from "../errors.ts";
import type { Project } from "../config/project.ts";
import { YamlFile, type KeyPath } from "../config/yaml-file.ts";
import type { MetricDef } from "./model-schema.ts";

/** Where a project keeps its decision files: decisions/<name>.yml, one decision each. */
export const DECISIONS_DIR = "decisions";

const NAME = /^[a-z][a-z0-9_]*$/;
export const AUTHORITIES = ["autonomous", "recommend", "human_required"] as const;
export type DecisionAuthority = (typeof AUTHORITIES)[number];

/**
 * The schemas are built on first use, not when the module loads: a reader (`dp ask`, `dp sql`) loads
 * this module for the catalog and never validates a decision file.
 */
function buildSchemas() {
  // required here for the same reason: the models' schemas are the largest dp has
  const { metricSchema } = require("./model-schema.ts") as typeof import("./model-schema.ts");
  const SQL_FRAGMENT = z
    .string()
    .min(1)
    .refine((s) => !s.includes(";"), { message: "one SQL expression, without ';'" });

  /** An act a label may trigger: a tool whose authority is `act`, and its input (`{column}` fills from the row). */
  const actSchema = z.strictObject({
    tool: z.string().min(1),
    input: z.record(z.string(), z.unknown()).default({}),
  });

  const labelSchema = z.strictObject({
    description: z.string().optional(),
    /** autonomous: may act (audited) · recommend: to the review queue · human_required: never acted on, only shown */
    authority: z.enum(AUTHORITIES),
    act: actSchema.optional(),
    /** what a wrong label costs, in words: for the people who set the authority and the threshold */
    false_positive: z.string().optional(),
  });

  const ruleSchema = z.strictObject({
    /** a SQL condition on the input mart's columns */
    when: SQL_FRAGMENT,
    label: z.string(),
    confidence: z.number().min(0).max(1),
    /** one sentence; `{column}` fills from the row */
    reason: z.string().min(1),
  });

  const decisionFileSchema = z.strictObject({
    description: z.string().optional(),
    /** the mart to decide on; the decision runs only after it is built and its tests pass */
    input: z.string().min(1),
    /** the input column that names a row */
    key: z.string().min(1),
    /** which rows to decide on (a SQL condition); every row when absent */
    where: SQL_FRAGMENT.optional(),
    /** the input column holding what the model reads for that row, precomputed in SQL */
    context: z.string().min(1),
    /** input columns copied into the decisions mart beside each decision */
    carry: z.array(z.string()).default([]),
    /** what is decided, in words the model reads */
    question: z.string().min(1),
    labels: z
      .record(z.string().regex(NAME, "label names are lowercase snake_case"), labelSchema)
      .refine((l) => Object.keys(l).length >= 2, { message: "name at least two labels" }),
    /** below this confidence any label becomes a recommendation for a human */
    threshold: z.number().min(0).max(1),
    /** who signs off on this decision's authority map */
    owner: z.string().min(1),
    model: z
      .strictObject({
        /** default: ai.model */
        cheap: z.string().optional(),
        /** default: ai.escalate_model, else the cheap model */
        strong: z.string().optional(),
        /** high-stakes labels: an answer with one of them is decided again by the strong model, whose answer stands */
        strong_for: z.array(z.string()).default([]),
      })
      .default({ strong_for: [] }),
    budget: z.strictObject({
      /** dollars per run; the step stops before a call that could go over */
      usd: z.number().nonnegative(),
      /** rows sent to the model per run */
      rows: z.number().int().positive(),
    }),
    /** the deterministic baseline, first match wins: what the offline provider answers, stored beside every decision */
    rules: z.array(ruleSchema).default([]),
    /** model calls in flight at once */
    concurrency: z.number().int().min(1).max(16).default(4),
    /** named metrics over the decisions mart (as in models/*.yml; mart: defaults to this decision's) */
    metrics: z.array(metricSchema.extend({ mart: z.string().optional() })).default([]),
  });
  return { decisionFileSchema, labelSchema, ruleSchema };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;
export function decisionSchemas(): ReturnType<typeof buildSchemas> {
  schemas ??= buildSchemas();
  return schemas;
}

export type DecisionFile = z.infer<ReturnType<typeof buildSchemas>["decisionFileSchema"]>;
export type DecisionLabel = z.infer<ReturnType<typeof buildSchemas>["labelSchema"]>;
export type DecisionRule = z.infer<ReturnType<typeof buildSchemas>["ruleSchema"]>;

export interface DecisionDef extends Omit<DecisionFile, "metrics"> {
  name: string;
  /** its metrics, each reading its mart */
  metrics: MetricDef[];
  /** decisions/<name>.yml, relative to the project */
  file: string;
  /** file:line of a key path inside the file */
  locate(path: KeyPath): string;
  /** the models this decision calls, resolved against project.yaml's ai: block */
  models: { cheap: string; strong: string };
}

/** decisions/*.yml by name, without reading them (the model loader needs only the names). */
export function decisionNames(project: Project): string[] {
  const dir = join(project.dir, DECISIONS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith("."))
    .map((f) => f.replace(/\.ya?ml$/, ""))
    .sort();
}

/** Every decision file, validated: a missing or wrong field is exit 2 naming decisions/x.yml:LINE and the key. */
export function loadDecisions(project: Project): DecisionDef[] {
  const dir = join(project.dir, DECISIONS_DIR);
  if (!existsSync(dir)) return [];
  const out: DecisionDef[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(f) || f.startsWith(".")) continue;
    out.push(readDecision(project, join(dir, f)));
  }
  return out;
}

function readDecision(project: Project, path: string): DecisionDef {
  const yf = YamlFile.read(path, project.dir);
  const name = path
    .split("/")
    .pop()!
    .replace(/\.ya?ml$/, "");
  if (!NAME.test(name))
    throw new DpError("CONFIG", `decision file name "${name}" is not lowercase snake_case`, {
      where: yf.displayPath,
      fix: "rename the file, e.g. decisions/churn_risk.yml (the name becomes the decisions mart)",
    });
  if (yf.data === null || typeof yf.data !== "object" || Array.isArray(yf.data))
    throw new DpError("CONFIG", "a decision file must be a mapping", {
      where: yf.displayPath,
      fix: "start from decisions/churn_risk.yml in `dp init --demo`",
    });
  const parsed = yf.validate(decisionSchemas().decisionFileSchema);
  const labels = Object.keys(parsed.labels);
  const bad = (path: KeyPath, message: string, fix: string) =>
    new DpError("CONFIG", message, { where: yf.locate(path), fix });
  for (const [label, l] of Object.entries(parsed.labels)) {
    if (l.authority === "human_required" && l.act)
      throw bad(
        ["labels", label, "act"],
        `label "${label}" is human_required, so it is never acted on; it cannot have an act`,
        `remove labels.${label}.act, or make the label recommend (a human approves, then the act runs)`,
      );
  }
  const own = new Set(DECISION_COLUMNS.map((c) => c.name));
  [parsed.key, ...parsed.carry].forEach((c, i) => {
    if (own.has(c))
      throw bad(
        i === 0 ? ["key"] : ["carry", i - 1],
        `"${c}" is a column of the decisions mart itself`,
        `carry another column, or rename ${c} in ${parsed.input}`,
      );
  });
  parsed.rules.forEach((r, i) => {
    if (!labels.includes(r.label))
      throw bad(["rules", i, "label"], `rules[${i}].label "${r.label}" is not a label`, didYouMean(r.label, labels));
  });
  parsed.model.strong_for.forEach((l, i) => {
    if (!labels.includes(l))
      throw bad(
        ["model", "strong_for", i],
        `model.strong_for names "${l}", which is not a label`,
        didYouMean(l, labels),
      );
  });
  parsed.metrics.forEach((m, i) => {
    if (m.mart && m.mart !== name)
      throw bad(["metrics", i, "mart"], `a decision's metrics read its own mart, ${name}`, "leave mart out");
  });
  const ai = project.config.ai;
  const cheap = parsed.model.cheap ?? ai.model;
  return {
    ...parsed,
    metrics: parsed.metrics.map((m) => ({ ...m, mart: name })),
    name,
    file: yf.displayPath,
    locate: (p) => yf.locate(p),
    models: { cheap, strong: parsed.model.strong ?? ai.escalate_model ?? cheap },
  };
}

/**
 * The decisions mart's own columns, after the key and the carried columns: one list, so the catalog
 * (what `dp ask` and `dp catalog` describe) and the step that builds the mart cannot disagree.
 */
export const DECISION_COLUMNS: { name: string; description: string }[] = [
  { name: "context", description: "What the model read for this row (the input's context column)" },
  { name: "label", description: "The decided label; null while the row waits to be decided (pending)" },
  { name: "confidence", description: "The decider's confidence in the label, 0–1" },
  { name: "reason", description: "One sentence: why this label" },
  {
    name: "authority",
    description:
      "The authority the label was applied with: autonomous, recommend (also any label below the threshold) or human_required",
  },
  {
    name: "status",
    description:
      "decided (autonomous, nothing to do), acted (its act ran), queued (waits in dp review), needs_human (human_required), approved, rejected, act_failed, failed, pending (not decided yet: budget)",
  },
  { name: "act_status", description: "The label's act: ok, failed, running, or null when none ran" },
  {
    name: "note",
    description:
      "Why a failed row failed, or what else happened (its act already ran for this label, the strong model was not asked)",
  },
  { name: "baseline_label", description: "What the decision file's rules say for this row, for comparison" },
  { name: "provider", description: "Who decided: anthropic, offline (the rules)" },
  { name: "model", description: "The model whose answer stands" },
  { name: "prompt_hash", description: "Hash of what the decider was told (question, labels, models, rules)" },
  { name: "context_hash", description: "md5 of the context; a row is decided again only when it changes" },
  { name: "input_tokens", description: "Tokens read to decide this row (every attempt)" },
  { name: "output_tokens", description: "Tokens written to decide this row (every attempt)" },
  { name: "cost_usd", description: "What deciding this row cost (USD)" },
  { name: "latency_ms", description: "How long deciding this row took" },
  { name: "decision_id", description: "The id `dp review` approves or rejects" },
  { name: "decided_at", description: "When this row was decided" },
  { name: "reviewed_by", description: "Who approved or rejected it in dp review" },
  { name: "reviewed_at", description: "When it was approved or rejected" },
  { name: "evaluated_at", description: "When the decision last checked its input (the same for every row)" },
];
