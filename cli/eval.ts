import { defineCommand } from "citty";
import { DpError, ExitCode } from "../engine/errors.ts";
import { chooseAskPath } from "../tools/ask/route.ts";
import { closestName } from "../engine/closest-name.ts";
import { EVAL_SETS, loadEvalSuite, type EvalSet } from "../tools/eval/load.ts";
import { caseLine, headerLine, totalsLines } from "../tools/eval/report.ts";
import { runEvals, type CaseResult } from "../tools/eval/run-cases.ts";
import { color, exitWith, openProject, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "eval",
    description: "run the golden questions in evals/ through dp ask; score accuracy, refusals, cost and latency",
    examples: ["dp eval --offline", "dp eval --set dev --filter churn", "dp eval --threshold 0.95 --json"],
  },
  args: {
    ...projectArgs,
    offline: {
      type: "boolean",
      description: "use the offline planner even when ANTHROPIC_API_KEY is set",
      default: false,
    },
    threshold: {
      type: "string",
      description: "minimum accuracy, 0–1 (default: evals.threshold in project.yaml, else 0.9)",
      valueHint: "0.9",
      check: (v: string) => (/^(0(\.\d+)?|1(\.0+)?)$/.test(v) ? undefined : "a number from 0 to 1"),
    },
    filter: { type: "string", description: "only cases whose id, question or tag contains TEXT", valueHint: "TEXT" },
    set: {
      type: "string",
      description:
        "only one set: dev (evals/*.yaml, evals/dev/) or holdout (evals/holdout/); default both, scored apart",
      valueHint: "dev|holdout",
    },
  },
  async run({ args }) {
    const project = openProject(args);
    if (args.set !== undefined && !EVAL_SETS.includes(args.set as EvalSet))
      throw new DpError("USAGE", `--set ${args.set} is not a set`, {
        where: "--set",
        fix: `use --set dev or --set holdout${closestName(args.set, EVAL_SETS) ? ` (did you mean ${closestName(args.set, EVAL_SETS)}?)` : ""}`,
      });
    const suite = loadEvalSuite(project, args.set ? [args.set as EvalSet] : EVAL_SETS);
    if (args.threshold !== undefined) {
      const t = Number(args.threshold);
      if (!(t >= 0 && t <= 1))
        throw new DpError("USAGE", `--threshold ${args.threshold} is not between 0 and 1`, {
          where: "--threshold",
          fix: "e.g. --threshold 0.9",
        });
      suite.threshold = t;
    }
    // evals never approve an act: no human is there to say yes, so an export question ends as needs_approval
    const path = chooseAskPath(project, { offline: args.offline });
    const idWidth = Math.max(4, ...suite.files.flatMap((f) => f.cases.map((c) => c.id.length)));
    let first = true;
    const onCase = (c: CaseResult) => {
      if (first) print(color.dim(headerLine(idWidth)));
      first = false;
      print(c.passed ? caseLine(c, idWidth) : color.red(caseLine(c, idWidth)));
    };
    const report = await runEvals(project, suite, path, {
      filter: args.filter,
      onCase: args.json ? undefined : onCase,
    });
    if (!report.total)
      throw new DpError("USAGE", `no eval case matches --filter ${args.filter}`, {
        fix: "check the ids and tags in evals/*.yaml",
      });
    if (args.json) printJson(report);
    else print(["", ...totalsLines(report)].join("\n"));
    exitWith(report.ok ? ExitCode.ok : ExitCode.failed);
  },
});
