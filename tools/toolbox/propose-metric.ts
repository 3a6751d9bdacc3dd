import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { now } from "../../engine/clock.ts";
import { DpError } from "../../engine/errors.ts";
import { citationFor } from "../citations.ts";
import { defineTool } from "./tool.ts";

export const PROPOSALS_DIR = "_proposals";

/**
 * recommend: a metric the catalog lacks becomes a YAML draft in models/_proposals/ for a human
 * to review and move beside the mart. Nothing runs; the model loader skips _proposals/.
 */
export const proposeMetric = defineTool({
  name: "propose_metric",
  description:
    "RECOMMEND: when no existing metric answers the question, draft a new metric definition over an existing mart for a human to review " +
    "(written to models/_proposals/NAME.yml; never executed, never used for an answer). Say in the answer that it is a proposal.",
  authority: "recommend",
  input: z.strictObject({
    name: z
      .string()
      .max(64)
      .regex(/^[a-z][a-z0-9_]*$/)
      .describe("snake_case metric name"),
    label: z.string().optional(),
    description: z.string().min(3),
    mart: z.string().describe("an existing mart"),
    time_column: z.string().describe("the mart's date column"),
    expression: z.string().describe("an aggregate over the mart's columns, e.g. sum(amount)"),
    time_rollup: z.enum(["sum", "last", "first", "ratio"]).default("sum"),
    format: z.enum(["number", "currency", "percent"]).default("number"),
    dimensions: z.array(z.string()).default([]),
    rationale: z.string().describe("why the existing metrics don't answer it"),
  }),
  async run(ctx, input) {
    if (ctx.catalog.metrics.some((m) => m.name === input.name)) {
      throw new DpError("USAGE", `metric ${input.name} already exists`, {
        where: "propose_metric.name",
        fix: "use query_metric with it, or propose another name",
      });
    }
    const mart = ctx.catalog.mart(input.mart.replace(/^marts\./, ""));
    const columns = new Set(mart.columns.map((c) => c.name));
    const unknown = [input.time_column, ...input.dimensions].filter((c) => columns.size && !columns.has(c));
    if (unknown.length)
      throw new DpError("USAGE", `${mart.name} has no column ${unknown.join(", ")}`, {
        where: "propose_metric",
        fix: `columns: ${[...columns].join(", ")}`,
      });
    const { rationale, ...fields } = input;
    // required here: the models' schemas load only when a metric is proposed
    const { metricSchema } =
      require("../../engine/transform/model-schema.ts") as typeof import("../../engine/transform/model-schema.ts");
    const metric = metricSchema.parse({ ...fields, mart: mart.name });
    const dir = join(ctx.project.paths.models, PROPOSALS_DIR);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${input.name}.yml`);
    const replaced = existsSync(file);
    const header = [
      `# PROPOSED by dp ask on ${now().toISOString()} — review, then move into the mart's YAML to make it live.`,
      `# why: ${rationale.replaceAll("\n", " ")}`,
    ];
    // loaded here: importing the yaml library costs every `dp ask` tens of milliseconds
    const { stringify } = await import("yaml");
    writeFileSync(file, `${header.join("\n")}\n${stringify({ metrics: [metric] })}`);
    return {
      proposed: metric.name,
      file: relative(ctx.project.dir, file),
      replaced,
      citations: [await citationFor(ctx, mart.name)],
    };
  },
  summarize: (o) => `proposed metric ${o.proposed} in ${o.file} (for review)`,
});
