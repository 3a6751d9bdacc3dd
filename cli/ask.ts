import { defineCommand } from "citty";
import { DpError, ExitCode } from "../engine/errors.ts";
import { askOffline } from "../tools/answer.ts";
import { createToolContext } from "../tools/context.ts";
import { color, exitWith, openProject, print, printJson, projectArgs } from "./common.ts";

export default defineCommand({
  meta: { name: "ask", description: "answer a question from the marts through typed tools, with receipts" },
  args: {
    ...projectArgs,
    question: { type: "positional", required: false, description: "the question, in quotes" },
    offline: { type: "boolean", description: "use the offline planner even when ANTHROPIC_API_KEY is set", default: false },
    yes: { type: "boolean", description: "allow tools that act (export, send) without asking", default: false },
  },
  async run({ args }) {
    const startedAt = performance.now();
    const question = [args.question, ...args._.slice(1)].filter(Boolean).join(" ").trim();
    if (!question) {
      throw new DpError("USAGE", "dp ask needs a question", { fix: 'dp ask "churn last month?" (the interactive REPL is not built yet)' });
    }
    const project = openProject(args);
    // the LLM agent (tools/agent.ts) plugs in here when ANTHROPIC_API_KEY is set and --offline is not
    const ctx = createToolContext(project);
    try {
      const result = await askOffline(ctx, question, startedAt);
      if (args.json) printJson(result);
      else {
        const [first, ...rest] = result.answer.split("\n");
        const head = result.status === "answered" && !result.warnings.length ? color.bold(first!) : result.status === "answered" ? color.yellow(first!) : first!;
        print([head, ...rest].join("\n"));
        if (result.status !== "refused") print(result.receipt.map((l) => color.dim(`  ${l}`)).join("\n"));
      }
      exitWith(result.status === "failed" ? ExitCode.failed : ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
});
