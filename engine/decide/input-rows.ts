import { didYouMean } from "../closest-name.ts";
import type { DecisionDef } from "../transform/decision-file.ts";
import { DpError } from "../errors.ts";
import type { KeyPath } from "../config/yaml-file.ts";
import { type Db, ident, qualified } from "../warehouse/duckdb.ts";
import type { Baseline } from "./decider.ts";

export interface InputRow {
  key: string;
  context: string;
  contextHash: string;
  baseline?: Baseline;
}

/** `{column}` placeholders in a rule's reason or an act's input. */
export const PLACEHOLDER = /\{([a-z_][a-z0-9_]*)\}/gi;

/** The input relation: a decision reads its mart as published by the build. */
export function inputRelation(decision: DecisionDef): string {
  return qualified("marts", decision.input);
}

/** The rows to decide on, as SQL: key, context and its md5; the filter and the context's NULLs applied. */
export function inputSelect(decision: DecisionDef, extra: string[] = []): string {
  const where = [decision.where ? `(${decision.where})` : "", `${ident(decision.context)} IS NOT NULL`].filter(Boolean);
  return [
    `SELECT CAST(${ident(decision.key)} AS VARCHAR) AS __dp_key, CAST(${ident(decision.context)} AS VARCHAR) AS __dp_context,`,
    `  md5(CAST(${ident(decision.context)} AS VARCHAR)) AS __dp_context_hash${extra.map((e) => `, ${e}`).join("")}`,
    `FROM ${inputRelation(decision)} WHERE ${where.join(" AND ")}`,
  ].join("\n");
}

/**
 * Check the decision file against the built input: every named column exists, the context is text,
 * each SQL fragment compiles (checked one by one, so the error names its own line), the key is unique.
 */
export async function checkInput(db: Db, decision: DecisionDef, piiColumns: Set<string>): Promise<void> {
  const columns = (await db.describe(`SELECT * FROM ${inputRelation(decision)}`)).map((c) => c.name);
  const need = (name: string, path: KeyPath) => {
    if (!columns.includes(name))
      throw new DpError("CONFIG", `marts.${decision.input} has no column "${name}"`, {
        where: decision.locate(path),
        fix: didYouMean(name, columns, { max: 40 }),
      });
  };
  need(decision.key, ["key"]);
  need(decision.context, ["context"]);
  decision.carry.forEach((c, i) => need(c, ["carry", i]));
  decision.rules.forEach((r, i) => {
    for (const [, col] of r.reason.matchAll(PLACEHOLDER)) need(col!, ["rules", i, "reason"]);
  });
  if (piiColumns.has(decision.context))
    throw new DpError("CONFIG", `${decision.input}.${decision.context} is tagged pii; the model would read it`, {
      where: decision.locate(["context"]),
      fix: "build the context from columns that identify no one (ids, counts, plans), and leave it untagged",
    });
  const compiles = async (sql: string, path: KeyPath, what: string) => {
    try {
      await db.all(`SELECT ${sql} FROM ${inputRelation(decision)} LIMIT 0`);
    } catch (e) {
      throw new DpError(
        "CONFIG",
        `${what} does not run on marts.${decision.input}: ${(e as Error).message.split("\n")[0]}`,
        {
          where: decision.locate(path),
          fix: "write a SQL condition on the input mart's columns",
        },
      );
    }
  };
  if (decision.where) await compiles(`(${decision.where})::BOOLEAN`, ["where"], "where");
  for (const [i, r] of decision.rules.entries())
    await compiles(`(${r.when})::BOOLEAN`, ["rules", i, "when"], `rules[${i}].when`);
  const dup = await db.one<{ key: string; n: number }>(
    `SELECT __dp_key AS key, count(*) AS n FROM (${inputSelect(decision)}) GROUP BY 1 HAVING count(*) > 1 LIMIT 1`,
  );
  if (dup)
    throw new DpError(
      "CONFIG",
      `key ${decision.key} is not unique in marts.${decision.input}: "${dup.key}" appears ${dup.n} times`,
      {
        where: decision.locate(["key"]),
        fix: `name a column that identifies one row (add a unique test on ${decision.input}.${decision.key})`,
      },
    );
}

/** The rows with the first matching rule computed by DuckDB, and its reason filled from the row. */
export async function readInputRows(db: Db, decision: DecisionDef): Promise<InputRow[]> {
  const placeholders = [
    ...new Set(decision.rules.flatMap((r) => [...r.reason.matchAll(PLACEHOLDER)].map((m) => m[1]!))),
  ];
  const rule = decision.rules.length
    ? `CASE ${decision.rules.map((r, i) => `WHEN (${r.when}) THEN ${i}`).join(" ")} END AS __dp_rule`
    : "NULL::INTEGER AS __dp_rule";
  const extra = [rule, ...placeholders.map((p, i) => `${ident(p)} AS __dp_p${i}`)];
  const rows = await db.all<Record<string, unknown>>(`${inputSelect(decision, extra)} ORDER BY __dp_key`);
  return rows.map((r) => {
    const index = r.__dp_rule === null || r.__dp_rule === undefined ? undefined : Number(r.__dp_rule);
    const matched = index === undefined ? undefined : decision.rules[index];
    const values = new Map(placeholders.map((p, i) => [p, r[`__dp_p${i}`]]));
    return {
      key: String(r.__dp_key),
      context: String(r.__dp_context),
      contextHash: String(r.__dp_context_hash),
      baseline: matched && {
        label: matched.label,
        confidence: matched.confidence,
        reason: matched.reason.replace(PLACEHOLDER, (_, c: string) => display(values.get(c))),
      },
    };
  });
}

export function display(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  return String(v);
}
