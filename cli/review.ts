import { defineCommand } from "citty";
import { reviewQueue } from "../engine/decide/review.ts";
import {
  applyVerdicts,
  formatQueue,
  formatVerdicts,
  idList,
  reviewAtPrompt,
  verdictExitCode,
} from "../tools/decide/review-session.ts";
import { exitWith, openProject, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "review",
    description: "what the decisions left for a person: list, approve (runs the act once), reject",
    examples: [
      "dp review                                   # list; on a terminal, asks row by row",
      "dp review --approve 3f9a0c21b4 --by ana@acme.io",
      'dp review --reject cus_000120 --note "renewed yesterday"',
      "dp review --decision churn_risk --json",
    ],
  },
  args: {
    ...projectArgs,
    decision: { type: "string", description: "only this decision (a file in decisions/)", valueHint: "NAME" },
    approve: { type: "string", description: "approve these ids or keys (comma-separated)", valueHint: "ID,…" },
    reject: { type: "string", description: "reject these ids or keys (comma-separated)", valueHint: "ID,…" },
    by: { type: "string", description: "who decides (default: the OS user)", valueHint: "NAME" },
    note: { type: "string", description: "a note kept with the verdict", valueHint: "TEXT" },
  },
  async run({ args }) {
    const project = openProject(args);
    const options = { decision: args.decision, by: args.by, note: args.note };
    const verdicts = [
      ...idList(args.approve).map((id) => ({ id, verdict: "approved" as const })),
      ...idList(args.reject).map((id) => ({ id, verdict: "rejected" as const })),
    ];
    const queue = verdicts.length ? [] : await reviewQueue(project, { decision: args.decision });
    const interactive = !verdicts.length && !args.json && !!process.stdin.isTTY && !!process.stdout.isTTY;
    if (!verdicts.length && !interactive) return args.json ? printJson(queue) : print(formatQueue(queue));
    const results = verdicts.length
      ? await applyVerdicts(project, verdicts, options)
      : await reviewAtPrompt(project, queue, options, print);
    if (args.json) printJson(results);
    else if (verdicts.length) print(formatVerdicts(results));
    exitWith(verdictExitCode(results));
  },
});
