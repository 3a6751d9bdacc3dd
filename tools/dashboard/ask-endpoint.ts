import type { Project } from "../../engine/config/project.ts";
import { asDpError } from "../../engine/errors.ts";
import type { AskResult } from "../ask/offline-answer.ts";
import { auditOfflineAsk } from "../ask/question-audit.ts";
import { chooseAskPath } from "../ask/route.ts";
import { createToolContext, type ToolContext } from "../context.ts";
import { callTool } from "../toolbox/index.ts";
import type { MetricResult } from "../toolbox/query-metric.ts";

/** A series the answer stood on, for the page to draw; the same shape the dashboards' charts take. */
export interface AnswerSeries {
  id: string;
  metric: string;
  label: string;
  grain: string;
  format: string;
  unit: string | null;
  periods: string[];
  labels: string[];
  values: (number | null)[];
  last_to_date: boolean;
}

const MAX_QUESTION = 2000;

/**
 * POST /api/ask: the same path as `dp ask` (the offline planner, or Claude with a key), audited the same way.
 * Acts are never approved from a page: an export question ends as needs_approval, as `dp ask` without --yes does.
 */
export async function answerQuestion(project: Project, body: unknown): Promise<Response> {
  const question =
    body && typeof body === "object" && typeof (body as { question?: unknown }).question === "string"
      ? (body as { question: string }).question.trim()
      : "";
  if (!question || question.length > MAX_QUESTION)
    return Response.json({ error: `send {"question": "…"} (1–${MAX_QUESTION} characters)` }, { status: 400 });
  const startedAt = performance.now();
  const path = chooseAskPath(project, { offline: false });
  const ctx = createToolContext(project);
  try {
    const result = await path.ask(ctx, question, startedAt);
    if (path.planner === "offline") auditOfflineAsk(project, result);
    return Response.json({ result, series: await seriesOf(ctx, result) });
  } catch (e) {
    const err = asDpError(e);
    return Response.json({ error: err.message, fix: err.fix }, { status: 500 });
  } finally {
    ctx.close();
  }
}

/** The answer's trend, when one of its calls was a metric by period: run again through callTool (PII masked as ever). */
async function seriesOf(ctx: ToolContext, result: AskResult): Promise<AnswerSeries | null> {
  if (result.status !== "answered") return null;
  const call = [...result.tool_calls]
    .reverse()
    .find(
      (c) =>
        c.name === "query_metric" &&
        typeof c.input.grain === "string" &&
        !(Array.isArray(c.input.group_by) && c.input.group_by.length),
    );
  if (!call) return null;
  const out = (await callTool(ctx, { name: call.name, input: call.input })).output as unknown as MetricResult;
  const rows = out.rows.filter((r) => r.period);
  return {
    id: "ask-chart",
    metric: out.metric,
    label: out.label,
    grain: out.grain ?? "",
    format: out.format,
    unit: out.unit,
    periods: rows.map((r) => r.period!),
    labels: rows.map((r) => r.period_label ?? r.period!),
    values: rows.map((r) => (r.rows ? r.value : null)),
    last_to_date: out.period.toDate,
  };
}
