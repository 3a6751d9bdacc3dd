import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { ExitCode } from "../engine/errors.ts";
import type { Project } from "../engine/config/project.ts";
import type { ActRequest } from "../tools/agent/loop.ts";
import type { AskResult } from "../tools/ask/offline-answer.ts";
import { chooseAskPath, type AskPath } from "../tools/ask/route.ts";
import { auditOfflineAsk } from "../tools/ask/question-audit.ts";
import { createToolContext } from "../tools/context.ts";
import { startSpinner, type Spinner } from "../tools/repl/spinner.ts";
import { color, exitWith, openProject, print, printJson, projectArgs } from "./_common.ts";

function render(result: AskResult): string {
  const [first, ...rest] = result.answer.split("\n");
  const head =
    result.status === "answered" && !result.warnings.length
      ? color.bold(first!)
      : result.status === "answered"
        ? color.yellow(first!)
        : first!;
  const lines = [head, ...rest];
  if (result.status !== "refused") lines.push(...result.receipt.map((l) => color.dim(`  ${l}`)));
  return lines.join("\n");
}

// isatty, not process.stdin.isTTY: reading process.stdin builds its stream (≈5 ms), which a one-shot ask never reads
const interactive = () => isatty(0) && isatty(1);

async function confirmAtPrompt(request: ActRequest): Promise<boolean> {
  const { describeAct } = await import("../tools/agent/loop.ts");
  // loaded for a prompt only: a one-shot ask never reads stdin
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(?:es)?$/i.test((await rl.question(`dp ask wants to ${describeAct(request)}. Allow? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function pathFor(project: Project, offline: boolean, yes: boolean, spinner?: Spinner): AskPath {
  const confirm = async (request: ActRequest) => {
    spinner?.pause();
    try {
      return await confirmAtPrompt(request);
    } finally {
      spinner?.resume();
    }
  };
  return chooseAskPath(project, {
    offline,
    allowAct: yes,
    confirm: interactive() ? confirm : undefined,
    onState: (s) => spinner?.state(s),
  });
}

export default defineCommand({
  meta: {
    name: "ask",
    description:
      "answer a question from the marts through typed tools, with receipts; no question opens a conversation",
    examples: [
      'dp ask "churn last month?"',
      'dp ask "top 5 customers by mrr" --json',
      "dp ask                      # a conversation (REPL)",
    ],
  },
  args: {
    ...projectArgs,
    question: { type: "positional", required: false, description: "the question, in quotes" },
    offline: {
      type: "boolean",
      description: "use the offline planner even when ANTHROPIC_API_KEY is set",
      default: false,
    },
    yes: { type: "boolean", description: "allow tools that act (export, send) without asking", default: false },
  },
  async run({ args }) {
    const startedAt = performance.now();
    const question = [args.question, ...args._.slice(1)].filter(Boolean).join(" ").trim();
    const project = openProject(args);
    const ctx = createToolContext(project);
    try {
      if (!question) {
        const path = pathFor(project, args.offline, args.yes);
        // the REPL and the agent load only for a conversation, never for a one-shot ask
        const { runRepl } = await import("../tools/repl/repl.ts");
        await runRepl({
          ctx,
          agent: await path.newAgent(),
          agentOptions: () => path.agentOptions(),
          render,
          io: {
            input: process.stdin,
            output: process.stdout,
            write: (t) => process.stdout.write(t),
            interactive: interactive(),
          },
        });
        return;
      }
      const spinner = !args.json ? startSpinner() : undefined;
      const path = pathFor(project, args.offline, args.yes, spinner);
      let result: AskResult;
      try {
        result = await path.ask(ctx, question, startedAt);
      } finally {
        spinner?.stop();
      }
      if (path.planner === "offline") auditOfflineAsk(project, result);
      if (args.json) printJson(result);
      else print(render(result));
      exitWith(result.status === "failed" || result.status === "needs_approval" ? ExitCode.failed : ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
});
