import { DpError } from "../../errors.ts";
import type { Db } from "../../warehouse/duckdb.ts";
import type { Model } from "../models.ts";

/** A model with `contract: true` must build exactly the columns and types its YAML declares. */
export async function checkContract(db: Db, model: Model, relation: string): Promise<void> {
  if (!model.config.contract) return;
  const actual = await db.describe(`SELECT * FROM ${relation}`);
  const byName = new Map(actual.map((c) => [c.name, c.type]));
  const diff: string[] = [];
  for (const c of model.config.columns) {
    const t = byName.get(c.name);
    if (t === undefined) diff.push(`- ${c.name} ${c.type ?? ""} (missing)`);
    else if (c.type && c.type.toUpperCase() !== t.toUpperCase())
      diff.push(`~ ${c.name}: contract ${c.type}, built ${t}`);
  }
  const declared = new Set(model.config.columns.map((c) => c.name));
  for (const c of actual) if (!declared.has(c.name)) diff.push(`+ ${c.name} ${c.type} (not in contract)`);
  if (diff.length) {
    throw new DpError("BUILD_FAILED", `contract of ${model.name} is broken:\n    ${diff.join("\n    ")}`, {
      where: model.yamlWhere ?? model.displayPath,
      fix: `update the model or its contract (\`dp contract infer ${model.name}\` prints a draft)`,
    });
  }
}
