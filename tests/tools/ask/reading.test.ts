/**
 * Issue #15, "no silent substitution": every answer states its reading — in words on its first line ("Read as: MRR
 * at the end of October 2026, all plans") and in --json (`interpretation`: metric, period with dates, filters, grain,
 * why). This audit runs every answerable question of the dev evals (evals/*.yaml and evals/dev/*.yaml, never the
 * holdout) through the offline ask path in process, on the demo built at the eval files' `now`, and checks each
 * answered result, grouped by the kind of answer it is.
 *
 * Counts found BEFORE the fix (DP_NOW 2026-11-21; 745 of the 750 answerable dev questions answered, plus the 5 of
 * MORE; failing / answered, by kind):
 *   change ("MRR growth rate in October")           13 / 23   6 "vs the end of the period before" (no dates), 7 why empty
 *   direction ("did MRR go up last month")           7 / 11   6 "the period before" (no dates), 6 why empty
 *   top-N rows ("top 5 customers by MRR")            1 / 1    no reading and no interpretation: MRR for which instant?
 *   deal ranking ("biggest deal we won this year")   3 / 3    no reading and no interpretation
 *   threshold ("deals over $10k won last quarter")   3 / 3    no reading and no interpretation
 *   value ("win rate this week")                    26 / 369  3 "this week (to date)" with no dates, 23 why empty
 *   level now / at a month end                       3 / 149  why empty
 *   instant/opening/closing                          2 / 61   why empty
 *   breakdown                                        1 / 27   why empty
 *   name/argmax                                      1 / 54   why empty
 *   table by grain (MORE)                            1 / 4    why empty
 *   freshness ("when was stripe last updated?")      2 / 3    "All 1 source is fresh.": not which source
 *   ranking/top-N by a dimension 0 / 5, arithmetic 0 / 18, average per bucket 0 / 1, no data 0 / 2, catalog 0 / 16
 *   — 63 of 750 in all. (Found while fixing, beyond what the checks below see: a change of a billing metric did not
 *   say "test accounts excluded" where the same metric's level did.)
 *
 * Exempt from a metric reading: catalog answers (a metric's definition, the list of metrics, a mart's columns, a
 * lineage) and freshness answers read no metric over a period; their first line must instead name what they read
 * (the metric, "metrics", the mart, the model, the source), since that is what a reader checks them against.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { askOffline, type AskResult } from "../../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../../tools/context.ts";
import { loadEvalSuite } from "../../../tools/eval/load.ts";
import { planQuestion, type Plan } from "../../../tools/planner/plan.ts";
import { dp, tempDir } from "../../helpers.ts";

const NOW = "2026-11-21T06:00:00Z";
const root = tempDir("dp-reading-");
const dir = join(root, "acme");
const env = { DP_NOW: NOW, ANTHROPIC_API_KEY: "" };

beforeAll(() => {
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
  expect(dp(["run", "-C", dir], { env }).code).toBe(0);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December";
/** a period said with its dates: a month or quarter of a year, a year, an ISO date, "Nov 20, 2026" */
const DATED = new RegExp(
  `\\b(?:(?:${MONTHS}) \\d{4}|Q[1-4] \\d{4}|(?:19|20)\\d{2}|\\d{4}-\\d{2}-\\d{2}|[A-Z][a-z]{2} \\d{1,2}, \\d{4})\\b`,
  "g",
);
const ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Kinds of answer the planner gives that no dev eval case asks for (the eval files check one number, not a table):
 * audited on these questions too, so that every kind is held to its reading.
 */
const MORE = [
  "MRR by month this year",
  "new customers per month in Q3",
  "weekly tickets opened last month",
  "average new MRR per month in 2026",
  "average deals won per month this year",
];

type Kind =
  | "value"
  | "level (instant)"
  | "instant/opening/closing"
  | "change"
  | "direction"
  | "ranking/top-N"
  | "name/argmax"
  | "breakdown"
  | "table by grain"
  | "average per bucket"
  | "arithmetic (difference, per, share)"
  | "top-N rows"
  | "deal ranking"
  | "threshold"
  | "no data"
  | "freshness"
  | "catalog";

function kindOf(plan: Plan, r: AskResult, question: string): Kind {
  const main = plan.calls.find((c) => c.role === "main") ?? plan.calls[0]!;
  const i = plan.interpretation;
  switch (plan.intent) {
    case "freshness":
      return "freshness";
    case "lineage":
    case "list_metrics":
    case "describe_metric":
    case "describe_mart":
      return "catalog";
    case "count_rows":
      return "threshold";
    case "top_n":
      return (main.input.filters as unknown[] | undefined)?.length ? "deal ranking" : "top-N rows";
    case "argmax":
      return i?.argmax?.n ? "ranking/top-N" : "name/argmax";
    case "compare":
      return /^(?:did|is|are|has|have|was|were)\b/i.test(question.trim()) ? "direction" : "change";
    case "arithmetic":
      return "arithmetic (difference, per, share)";
    case "average":
      return "average per bucket";
    default:
      if (/\bno rows\b|\bno data\b/.test(r.answer)) return "no data";
      if (main.input.grain) return "table by grain";
      if ((main.input.group_by as unknown[] | undefined)?.length) return "breakdown";
      if (i?.kind === "stock")
        return /\b(?:start|beginning|end|opening|closing|as of)\b/i.test(question)
          ? "instant/opening/closing"
          : "level (instant)";
      return "value";
  }
}

/** what a filter of a tool call must leave in the reading: its value(s) in words (a state column: its word) */
function filterWords(f: Record<string, unknown>): string[] {
  const column = String(f.dimension ?? f.column);
  const value = f.value;
  if (typeof value === "boolean") return [column.replace(/^is_/, "")];
  // a period on a row's date column is checked as the period
  if (typeof value === "string" && ISO.test(value)) return [];
  if (typeof value === "number") return [value.toLocaleString("en-US")];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** the problems with one answered result's reading; [] when it states it fully */
function problems(kind: Kind, plan: Plan, r: AskResult): string[] {
  const out: string[] = [];
  const first = r.answer.split("\n").find((l) => !l.startsWith("⚠")) ?? "";
  const main = plan.calls.find((c) => c.role === "main") ?? plan.calls[0]!;
  if (kind === "catalog" || kind === "freshness") {
    // no metric over a period: the first line names what was read
    const named =
      plan.intent === "describe_metric"
        ? `(${main.input.metric})`
        : plan.intent === "describe_mart"
          ? String(main.input.mart)
          : plan.intent === "lineage"
            ? String(main.input.model ?? main.input.metric ?? "")
            : plan.intent === "list_metrics"
              ? "metrics"
              : main.input.source
                ? String(main.input.source)
                : "sources";
    if (!first.includes(named)) out.push(`first line does not name what it read (${named}): ${first}`);
    return out;
  }
  if (!/^Read as: .+\.$/.test(first)) return [`no "Read as:" first line: ${first}`];
  const reading = first.slice("Read as: ".length, -1);
  const lower = reading.toLowerCase();
  const i = r.interpretation as Record<string, any> | null | undefined;
  if (!i) return [`no interpretation in the JSON result (reading: ${reading})`];
  for (const field of ["metric", "metric_label", "period", "filters", "grain", "why", "read_as"])
    if (!(field in i)) out.push(`interpretation has no ${field}`);
  if (typeof i.metric !== "string" || !i.metric) out.push("interpretation.metric is empty");
  if (!i.period || typeof i.period.text !== "string" || !i.period.text)
    out.push("interpretation.period has no text (its label in words)");
  if (!ISO.test(i.period?.start ?? "") || !ISO.test(i.period?.end ?? ""))
    out.push(`interpretation.period has no start/end dates: ${JSON.stringify(i.period)}`);
  if (!Array.isArray(i.filters)) out.push("interpretation.filters is not a list");
  if (!Array.isArray(i.why) || !i.why.length) out.push("interpretation.why says nothing");
  if (i.read_as !== reading) out.push(`interpretation.read_as differs from the first line: ${i.read_as}`);
  if (typeof i.metric_label === "string" && !lower.includes(i.metric_label.toLowerCase()))
    out.push(`the reading does not name the metric (${i.metric_label}): ${reading}`);
  // the period in words with its dates; a change names both periods so
  const dated = reading.match(DATED) ?? [];
  if (!dated.length) out.push(`the reading states no dated period: ${reading}`);
  if ((kind === "change" || kind === "direction") && (dated.length < 2 || /\bthe period before\b(?! \()/.test(reading)))
    out.push(`a change names its earlier period with no dates: ${reading}`);
  // every filter of every call the answer is computed from
  for (const call of plan.calls)
    for (const f of (call.input.filters ?? []) as Record<string, unknown>[])
      for (const w of filterWords(f))
        if (!lower.includes(w.toLowerCase()))
          out.push(`the reading drops the filter ${JSON.stringify(f)} (${call.role}): ${reading}`);
  // a table says its grain and its breakdown
  if (main.input.grain && !new RegExp(`\\bby ${main.input.grain}\\b|\\bper ${main.input.grain}\\b`).test(reading))
    out.push(`a table by ${main.input.grain} does not say its grain: ${reading}`);
  for (const d of (main.input.group_by ?? []) as string[])
    if (!lower.includes(d.toLowerCase()) && !lower.includes(d.replaceAll("_", " ").toLowerCase()))
      out.push(`a breakdown by ${d} does not say it: ${reading}`);
  if (kind === "top-N rows" || kind === "deal ranking" || kind === "ranking/top-N" || kind === "name/argmax")
    if (!i.argmax) out.push("a ranking's interpretation has no argmax");
  return out;
}

test("every answered dev question states its reading, in words and in --json, for every kind of answer", async () => {
  const previous = process.env.DP_NOW;
  process.env.DP_NOW = NOW;
  const project = loadProject(dir);
  const ctx = createToolContext(project);
  const byKind = new Map<Kind, { answered: number; failed: string[] }>();
  let answerable = 0;
  let answered = 0;
  try {
    const suite = loadEvalSuite(project, ["dev"]);
    expect(suite.files.every((f) => f.set === "dev" && !f.path.includes("holdout"))).toBe(true);
    await ctx.dimensionValues();
    const cases = [
      ...suite.files.flatMap((f) => f.cases),
      ...MORE.map((q, n) => ({ id: `more-${n + 1}`, question: q, expect: { answer: "value" } })),
    ];
    for (const c of cases) {
      const e = c.expect as { answer?: string; refusal?: boolean };
      if (e.refusal || e.answer === "refuse" || e.answer === "clarify") continue;
      answerable++;
      // the same function `dp ask --offline` calls (tools/ask/route.ts); the plan only names the kind
      const r = await askOffline(ctx, c.question);
      if (r.status !== "answered") continue;
      answered++;
      const plan = planQuestion(c.question, ctx.catalog);
      if (plan.status !== "plan") throw new Error(`${c.question}: answered but planned as a refusal`);
      const kind = kindOf(plan, r, c.question);
      const entry = byKind.get(kind) ?? { answered: 0, failed: [] };
      entry.answered++;
      const found = problems(kind, plan, r);
      if (found.length) entry.failed.push(`${c.id} "${c.question}": ${found.join("; ")}`);
      byKind.set(kind, entry);
    }
  } finally {
    ctx.close();
    if (previous === undefined) delete process.env.DP_NOW;
    else process.env.DP_NOW = previous;
  }
  if (process.env.READING_AUDIT_SUMMARY)
    console.log(JSON.stringify([...byKind].map(([k, v]) => [k, v.answered, v.failed.length])));
  expect(answerable).toBeGreaterThanOrEqual(700);
  // every kind the brief names occurs, so the audit covers it
  const missing: Kind[] = [];
  for (const k of [
    "value",
    "change",
    "direction",
    "ranking/top-N",
    "name/argmax",
    "breakdown",
    "table by grain",
    "average per bucket",
    "instant/opening/closing",
    "arithmetic (difference, per, share)",
    "top-N rows",
    "deal ranking",
    "threshold",
    "no data",
    "freshness",
    "catalog",
  ] as Kind[])
    if (!byKind.get(k)?.answered) missing.push(k);
  const failures = Object.fromEntries([...byKind].filter(([, v]) => v.failed.length).map(([k, v]) => [k, v.failed]));
  if (process.env.READING_AUDIT_SUMMARY) console.log(JSON.stringify(failures, null, 1));
  expect(failures).toEqual({});
  expect(missing).toEqual([]);
  // the audit covers what dp answers: it must not pass because answerable questions were asked back instead
  // (dev's asked-back answerables are listed by `dp eval`; 96.5% keeps this a guard, not a second eval threshold:
  // each new blind batch arrives with its asked-back cases — 79 of 2,648 answerable after batches 48 to 51, whose
  // durations and formulas dp mostly asks back; it was 99% before them)
  expect(answered).toBeGreaterThanOrEqual(Math.floor(answerable * 0.965));
}, 240_000);
