import { loadProject } from "../../engine/config/project.ts";
import { createToolContext } from "../../tools/context.ts";
import { metricQuerySchema } from "../../engine/catalog/metric-query.ts";
import { runMetricQuery } from "../../tools/toolbox/query-metric.ts";
import { interleaved, median, runOk } from "../lib/measure.ts";
import { relative, type BenchContext, type CaseResult } from "../lib/types.ts";

const QUESTION = "churn last month?";
const RUNS = { tiny: 3, full: 7 };

/** The tool's own SQL with its bound values written in, for `dp sql` (which takes no parameters). */
export function inlineParams(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)\b/g, (_m, i: string) => {
    const v = params[Number(i) - 1];
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return `'${String(v).replaceAll("'", "''")}'`;
  });
}

/** `dp ask --offline` end to end against `dp sql` of the main query_metric call's SQL, both as processes on the scaled demo. */
export async function ask(ctx: BenchContext, projectDir: string): Promise<CaseResult[]> {
  const first = await runOk([...ctx.dp, "ask", QUESTION, "--offline", "--json", "-C", projectDir]);
  const answer = JSON.parse(first.stdout) as {
    status: string;
    tool_calls: { name: string; role: string; input: unknown }[];
    answer: string;
  };
  if (answer.status !== "answered") throw new Error(`dp ask did not answer: ${first.stdout.slice(0, 500)}`);
  const main = answer.tool_calls.find((c) => c.role === "main" && c.name === "query_metric");
  if (!main) throw new Error("dp ask made no main query_metric call");
  const tools = createToolContext(loadProject(projectDir));
  let sql: string;
  try {
    const r = await runMetricQuery(tools, metricQuerySchema.parse(main.input));
    sql = inlineParams(r.sql, r.params);
  } finally {
    tools.close();
  }
  const { a, b } = await interleaved(
    RUNS[ctx.scale],
    async () => (await runOk([...ctx.dp, "ask", QUESTION, "--offline", "-C", projectDir])).ms,
    async () => (await runOk([...ctx.dp, "sql", sql, "-C", projectDir])).ms,
  );
  const dp = median(a);
  const limit = median(b);
  const ratio = relative(`ask (offline): dp ask "${QUESTION}" end to end`, "ms", dp, limit, 1.5, {
    detail: `limit: dp sql of the main query_metric call's SQL; ask makes ${answer.tool_calls.length} tool calls`,
  });
  ratio.met = ratio.met && dp <= 300;
  ratio.goal = "≤ 1.5×, and ≤ 300 ms";
  return [ratio];
}
