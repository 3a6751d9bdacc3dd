import { defineCommand } from "citty";
import { listRuns } from "../engine/orchestrate/run-history.ts";
import { color, formatCount, openProject, print, printJson, projectArgs, table, wholeNumber } from "./_common.ts";

/** What the run spent on model calls (its decide step), or blank when it made none. */
function costOf(steps: { costUsd?: number }[]): string {
  const spent = steps.filter((s) => typeof s.costUsd === "number");
  return spent.length ? `$${spent.reduce((n, s) => n + s.costUsd!, 0).toFixed(4)}` : "";
}

export default defineCommand({
  meta: {
    name: "runs",
    description: "run history: steps, durations, rows, status, error",
    examples: ["dp runs", "dp runs -n 5", "dp runs --json | jq '.[0].status'"],
  },
  args: {
    ...projectArgs,
    limit: {
      type: "string",
      alias: "n",
      description: "how many runs (newest first)",
      default: "20",
      valueHint: "N",
      check: wholeNumber,
    },
  },
  async run({ args }) {
    const project = openProject(args);
    // the history is .dp/runs.jsonl: before the first run there is none, which is no error
    const runs = listRuns(project, Number(args.limit));
    if (args.json) return printJson(runs);
    if (!runs.length) return print("no runs yet: `dp run` records one");
    const mark = (s: string) => (s === "success" ? color.green(s) : s === "failed" ? color.red(s) : color.yellow(s));
    print(
      table(
        runs.map((r) => ({
          run: r.run_id,
          command: r.command,
          started: r.started_at,
          ms: r.duration_ms === null ? "" : formatCount(r.duration_ms),
          status: mark(r.status),
          cost: costOf(r.steps),
          steps: r.steps
            .map(
              (s) => `${s.step}${s.status === "ok" ? "" : `:${s.status}`}${s.rows ? `(${formatCount(s.rows)})` : ""}`,
            )
            .join(" "),
          error: r.error ?? "",
        })),
      ),
    );
  },
});
