import { asDpError, DpError } from "../../engine/errors.ts";
import { loadCatalog } from "../../engine/catalog/catalog.ts";
import type { Project } from "../../engine/config/project.ts";
import type { AskResult } from "../ask/offline-answer.ts";
import { createToolContext, type ToolContext } from "../context.ts";
import { callTool } from "../toolbox/index.ts";
import type { AskPath } from "../ask/route.ts";
import { EVAL_SETS, matchesFilter, type EvalSet, type EvalSuite, type LoadedEvalFile } from "./load.ts";
import { findCall } from "./match-call.ts";
import { isRefusal, isTextExpect, type EvalCase, type TextExpectDef } from "./schema.ts";
import { scoreAnswer, type Outcome } from "./score-text.ts";
import { statedNumbers } from "./text-numbers.ts";
import { checkValues, fmt, type ValueCheck } from "./value.ts";

export interface CaseResult {
  id: string;
  file: string;
  set: EvalSet;
  /** how a reader would count it: a number stated for the wrong question is wrong_number */
  outcome: Outcome;
  question: string;
  tags: string[];
  expected: string;
  kind: "answer" | "refusal";
  /** the value the eval's SQL computed (new-format cases) */
  expected_value?: unknown;
  status: AskResult["status"];
  passed: boolean;
  /** null when the case expects a refusal */
  tool_ok: boolean | null;
  value_ok: boolean | null;
  refusal_ok: boolean | null;
  actual: string;
  why: string;
  tool_calls: { name: string; input: Record<string, unknown> }[];
  cost_usd: number;
  latency_ms: number;
}

export interface SetScore {
  total: number;
  /** correct + correct_refusal */
  passed: number;
  accuracy: number;
  outcomes: Record<Outcome, number>;
}

export interface EvalReport {
  /** dev and holdout, scored apart */
  sets: Partial<Record<EvalSet, SetScore>>;
  planner: AskPath["planner"];
  /** the data was not pulled at the instant the eval files pin: values will differ */
  data_note?: string;
  threshold: number;
  total: number;
  passed: number;
  accuracy: number;
  ok: boolean;
  answers: { total: number; tool_ok: number; value_ok: number };
  refusals: { total: number; refused: number; false_refusals: number };
  cost_usd: number;
  latency_ms: { p50: number; p95: number; max: number; total: number };
  cases: CaseResult[];
}

function expectedText(c: EvalCase): string {
  if (isTextExpect(c.expect))
    return c.expect.answer === "value" ? `value (${c.expect.unit ?? "number"})` : c.expect.answer;
  if (isRefusal(c.expect)) return "refusal";
  const keys = Object.entries(c.expect.input).map(([k, v]) =>
    typeof v === "string" ? v : `${k}=${JSON.stringify(v)}`,
  );
  return [c.expect.tool, ...keys].join(" ");
}

/** A new-format case: the numbers in the answer text against the value the case's SQL computes. */
async function scoreTextCase(
  ctx: ToolContext,
  base: Omit<CaseResult, "kind" | "passed" | "tool_ok" | "value_ok" | "refusal_ok" | "actual" | "why" | "outcome">,
  expect: TextExpectDef,
  result: AskResult,
): Promise<CaseResult> {
  let expected: unknown;
  if (expect.sql) {
    try {
      const row = (await ctx.query(expect.sql, []))[0];
      const v = row ? Object.values(row)[0] : undefined;
      expected = typeof v === "bigint" ? Number(v) : v;
    } catch (e) {
      return {
        ...base,
        kind: "answer",
        outcome: "error",
        passed: false,
        tool_ok: null,
        value_ok: false,
        refusal_ok: null,
        actual: "",
        why: `the eval's SQL failed: ${asDpError(e).message}`,
      };
    }
  }
  const scored = scoreAnswer(expect, expected, { status: result.status, text: result.answer }, base.question);
  const refusal = expect.answer === "refuse" || expect.answer === "clarify";
  const passed = scored.outcome === "correct" || scored.outcome === "correct_refusal";
  return {
    ...base,
    kind: refusal ? "refusal" : "answer",
    outcome: scored.outcome,
    expected_value: expected,
    passed,
    tool_ok: null,
    value_ok: refusal ? null : passed,
    refusal_ok: refusal ? scored.outcome === "correct_refusal" : scored.outcome !== "refused_answerable",
    actual: scored.actual,
    why: scored.why,
  };
}

/** A legacy case (tool + input + value) counted in the same outcomes. */
function legacyOutcome(r: Omit<CaseResult, "outcome">, answer: string): Outcome {
  if (r.passed) return r.kind === "refusal" ? "correct_refusal" : "correct";
  if (r.status === "failed") return "error";
  if (r.kind === "answer" && r.status === "refused") return "refused_answerable";
  if (r.kind === "refusal" && !r.refusal_ok && !statedNumbers(answer).length) return "answered_refusable";
  return "wrong_number";
}

async function scoreCase(ctx: ToolContext, file: LoadedEvalFile, c: EvalCase, result: AskResult): Promise<CaseResult> {
  const base = {
    id: c.id,
    file: file.path,
    set: file.set,
    question: c.question,
    tags: c.tags,
    expected: expectedText(c),
    status: result.status,
    tool_calls: result.tool_calls.map((t) => ({ name: t.name, input: t.input })),
    cost_usd: result.cost_usd,
    latency_ms: result.latency_ms,
  };
  if (isTextExpect(c.expect)) return scoreTextCase(ctx, base, c.expect, result);
  const legacy = await scoreLegacy(ctx, file, c, result, base);
  return { ...legacy, outcome: legacyOutcome(legacy, result.answer) };
}

async function scoreLegacy(
  ctx: ToolContext,
  file: LoadedEvalFile,
  c: EvalCase,
  result: AskResult,
  base: Omit<CaseResult, "kind" | "passed" | "tool_ok" | "value_ok" | "refusal_ok" | "actual" | "why" | "outcome">,
): Promise<Omit<CaseResult, "outcome">> {
  if (isTextExpect(c.expect)) throw new Error("unreachable");
  const firstLine = result.answer.split("\n")[0] ?? "";
  if (isRefusal(c.expect)) {
    // an act the agent stopped for a human's yes did nothing: that is the refusal an eval wants
    const refused = result.status === "refused" || result.status === "needs_approval";
    const reasonOk = !c.expect.reason || result.answer.toLowerCase().includes(c.expect.reason.toLowerCase());
    const why = !refused
      ? `answered instead of refusing: ${firstLine}`
      : reasonOk
        ? ""
        : `refusal does not mention "${c.expect.reason}"`;
    return {
      ...base,
      kind: "refusal",
      passed: refused && reasonOk,
      tool_ok: null,
      value_ok: null,
      refusal_ok: refused,
      actual: refused ? "refused" : result.status,
      why,
    };
  }
  if (result.status !== "answered") {
    const why = result.status === "refused" ? `refused: ${firstLine}` : `failed: ${result.error?.message ?? firstLine}`;
    return {
      ...base,
      kind: "answer",
      passed: false,
      tool_ok: false,
      value_ok: false,
      refusal_ok: result.status !== "refused",
      actual: result.status,
      why,
    };
  }
  const found = findCall(result.tool_calls, c.expect.tool, c.expect.input);
  const call = found.call ?? found.closest;
  const needsValue = c.expect.value !== undefined || Object.keys(c.expect.output).length > 0;
  let value: ValueCheck = { ok: true, why: "" };
  if (needsValue && call) {
    try {
      // the answer path does not hand back tool outputs; the same call again is read-only and deterministic
      const again = await callTool(ctx, { name: call.name, input: call.input });
      value = checkValues(c.expect, call.name, again.output, file.tolerance);
    } catch (e) {
      value = { ok: false, why: asDpError(e).message };
    }
  } else if (needsValue) value = { ok: false, why: "" };
  const toolOk = Boolean(found.call);
  return {
    ...base,
    kind: "answer",
    passed: toolOk && value.ok,
    tool_ok: toolOk,
    value_ok: needsValue ? value.ok : null,
    refusal_ok: true,
    actual: found.call ? (value.actual !== undefined ? fmt(value.actual) : "✓") : (call?.name ?? "no call"),
    why: [found.why, value.why].filter(Boolean).join("; "),
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Expected values hold for data pulled at the file's `now`; say so when the lake was pulled at another time. */
function dataNote(project: Project, files: LoadedEvalFile[]): string | undefined {
  const pinned = files.map((f) => f.now).find(Boolean);
  if (!pinned) return undefined;
  const at = new Date(pinned).getTime();
  const pulls = loadCatalog(project)
    .freshness()
    .map((f) => f.lastSuccessAt)
    .filter((x): x is string => Boolean(x));
  const off = pulls.filter((p) => Math.abs(new Date(p).getTime() - at) > 86_400_000);
  if (!off.length) return undefined;
  return `the eval files pin now=${pinned} but the lake was last pulled ${off[0]}; expected values hold for data pulled then (DP_NOW=${pinned} dp run)`;
}

/** Every case through the same ask path as `dp ask`, one file at a time with its `now` pinned. */
/** Before the first build every case would fail the same way (a DuckDB catalog error each): say it once. */
async function requireBuiltMarts(project: Project): Promise<void> {
  const ctx = createToolContext(project);
  try {
    const marts = ctx.catalog.marts().map((m) => m.name);
    const built = await (await ctx.db()).all<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables",
    );
    if (marts.length && !built.some((b) => marts.includes(b.name)))
      throw new DpError("NOT_FOUND", "no mart is built yet, so there is nothing to ask", {
        where: project.paths.warehouse,
        fix: "run `dp run` (or `dp pull && dp build`) first",
        exitCode: 1,
      });
  } finally {
    ctx.close();
  }
}

export async function runEvals(
  project: Project,
  suite: EvalSuite,
  path: AskPath,
  options: { filter?: string; onCase?: (r: CaseResult) => void } = {},
): Promise<EvalReport> {
  await requireBuiltMarts(project);
  const cases: CaseResult[] = [];
  const pinned = process.env.DP_NOW;
  try {
    for (const file of suite.files) {
      const selected = file.cases.filter((c) => matchesFilter(c, options.filter));
      if (!selected.length) continue;
      if (file.now) process.env.DP_NOW = file.now;
      else if (pinned === undefined) delete process.env.DP_NOW;
      else process.env.DP_NOW = pinned;
      const ctx = createToolContext(project);
      try {
        for (const c of selected) {
          const result = await path.ask(ctx, c.question);
          const scored = await scoreCase(ctx, file, c, result);
          cases.push(scored);
          options.onCase?.(scored);
        }
      } finally {
        ctx.close();
      }
    }
  } finally {
    if (pinned === undefined) delete process.env.DP_NOW;
    else process.env.DP_NOW = pinned;
  }
  const sets: Partial<Record<EvalSet, SetScore>> = {};
  for (const set of EVAL_SETS) {
    const inSet = cases.filter((c) => c.set === set);
    if (!inSet.length) continue;
    const outcomes: Record<Outcome, number> = {
      correct: 0,
      correct_refusal: 0,
      wrong_number: 0,
      answered_refusable: 0,
      refused_answerable: 0,
      error: 0,
    };
    for (const c of inSet) outcomes[c.outcome]++;
    const ok = outcomes.correct + outcomes.correct_refusal;
    sets[set] = { total: inSet.length, passed: ok, accuracy: ok / inSet.length, outcomes };
  }
  const answers = cases.filter((c) => c.kind === "answer");
  const refusals = cases.filter((c) => c.kind === "refusal");
  const passed = cases.filter((c) => c.passed).length;
  const accuracy = cases.length ? passed / cases.length : 0;
  const latencies = cases.map((c) => c.latency_ms).sort((a, b) => a - b);
  return {
    sets,
    planner: path.planner,
    ...(dataNote(project, suite.files) ? { data_note: dataNote(project, suite.files) } : {}),
    threshold: suite.threshold,
    total: cases.length,
    passed,
    accuracy,
    ok: cases.length > 0 && accuracy >= suite.threshold,
    answers: {
      total: answers.length,
      tool_ok: answers.filter((c) => c.tool_ok).length,
      value_ok: answers.filter((c) => c.value_ok === true || (c.value_ok !== false && c.tool_ok)).length,
    },
    refusals: {
      total: refusals.length,
      refused: refusals.filter((c) => c.refusal_ok).length,
      false_refusals: answers.filter((c) => c.status === "refused").length,
    },
    cost_usd: Number(cases.reduce((s, c) => s + c.cost_usd, 0).toFixed(6)),
    latency_ms: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: latencies.at(-1) ?? 0,
      total: latencies.reduce((s, x) => s + x, 0),
    },
    cases,
  };
}
