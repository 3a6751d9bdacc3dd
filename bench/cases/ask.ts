import { loadProject } from "../../engine/config/project.ts";
import { createToolContext } from "../../tools/context.ts";
import { metricQuerySchema } from "../../engine/catalog/metric-query.ts";
import { runMetricQuery } from "../../tools/toolbox/query-metric.ts";
import { hyperfineRounds, runOk } from "../lib/measure.ts";
import { relative, type BenchContext, type CaseResult } from "../lib/types.ts";

const QUESTION = "churn last month?";
/** rounds × runs per round per side; the order of the two sides alternates by round */
const RUNS = { tiny: { rounds: 2, runs: 3 }, full: { rounds: 6, runs: 10 } };

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
  const { rounds, runs } = RUNS[ctx.scale];
  const r = await hyperfineRounds(
    [
      [...ctx.dp, "ask", QUESTION, "--offline", "-C", projectDir],
      [...ctx.dp, "sql", sql, "-C", projectDir],
    ],
    { rounds, runs, warmup: 2 },
  );
  const [dp, limit] = r.medians as [number, number];
  ctx.log(`ask: dp ask ${dp.toFixed(0)} ms, dp sql ${limit.toFixed(0)} ms (medians of ${r.runs})`);
  const ratio = relative(`ask (offline): dp ask "${QUESTION}" end to end`, "ms", dp, limit, 1.3, {
    detail: `limit: dp sql of the main query_metric call's SQL; ask makes ${answer.tool_calls.length} tool calls; both exec'd by hyperfine (no shell, output to /dev/null), medians of ${r.runs} runs each in ${rounds} rounds of alternating order`,
  });
  ratio.met = ratio.met && dp <= 300;
  ratio.goal = "≤ 1.3×, and ≤ 300 ms";
  return [ratio];
}
