import { createInterface } from "node:readline/promises";
import { defineCommand } from "citty";
import { ExitCode } from "../engine/errors.ts";
import type { Project } from "../engine/project.ts";
import type { AgentOptions } from "../tools/agent.ts";
import { describeAct, LlmAgent, type ActRequest } from "../tools/agent-loop.ts";
import { askOffline, type AskResult } from "../tools/answer.ts";
import { auditOfflineAsk, type AskState } from "../tools/audit.ts";
import { createToolContext } from "../tools/context.ts";
import { TOOLS } from "../tools/index.ts";
import { providerFor } from "../tools/providers/index.ts";
import { runRepl } from "../tools/repl.ts";
import { startSpinner, type Spinner } from "../tools/repl-spinner.ts";
import { color, exitWith, openProject, print, printJson, projectArgs } from "./common.ts";

function render(result: AskResult): string {
  const [first, ...rest] = result.answer.split("\n");
  const head = result.status === "answered" && !result.warnings.length ? color.bold(first!) : result.status === "answered" ? color.yellow(first!) : first!;
  const lines = [head, ...rest];
  if (result.status !== "refused") lines.push(...result.receipt.map((l) => color.dim(`  ${l}`)));
  return lines.join("\n");
}

const interactive = () => !!process.stdin.isTTY && !!process.stdout.isTTY;

async function confirmAtPrompt(request: ActRequest): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(?:es)?$/i.test((await rl.question(`dp ask wants to ${describeAct(request)}. Allow? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function agentFor(project: Project, offline: boolean, spinner?: Spinner): LlmAgent | undefined {
  const provider = offline ? undefined : providerFor(project.config.ai);
  if (!provider) return undefined;
  const confirm = async (request: ActRequest) => {
    spinner?.pause();
    try {
      return await confirmAtPrompt(request);
    } finally {
      spinner?.resume();
    }
  };
  return new LlmAgent({ provider, confirm: interactive() ? confirm : undefined, escalateModel: project.config.ai.escalate_model, onState: (s: AskState) => spinner?.state(s) });
}

function agentOptions(project: Project, yes: boolean): AgentOptions {
  const ai = project.config.ai;
  return { model: ai.model, maxToolCalls: ai.max_tool_calls, maxTokens: ai.max_tokens_per_question, allowAct: yes, startedAt: performance.now() };
}

export default defineCommand({
  meta: { name: "ask", description: "answer a question from the marts through typed tools, with receipts; no question opens a conversation" },
  args: {
    ...projectArgs,
    question: { type: "positional", required: false, description: "the question, in quotes" },
    offline: { type: "boolean", description: "use the offline planner even when ANTHROPIC_API_KEY is set", default: false },
    yes: { type: "boolean", description: "allow tools that act (export, send) without asking", default: false },
  },
  async run({ args }) {
    const startedAt = performance.now();
    const question = [args.question, ...args._.slice(1)].filter(Boolean).join(" ").trim();
    const project = openProject(args);
    const ctx = createToolContext(project);
    try {
      if (!question) {
        const agent = agentFor(project, args.offline);
        await runRepl({ ctx, agent, agentOptions: () => agentOptions(project, args.yes), render, io: { input: process.stdin, write: (t) => process.stdout.write(t), interactive: interactive() } });
        return;
      }
      const spinner = !args.json ? startSpinner() : undefined;
      const agent = agentFor(project, args.offline, spinner);
      let result: AskResult;
      try {
        result = agent ? await agent.answer(question, ctx, TOOLS, { ...agentOptions(project, args.yes), startedAt }) : await askOffline(ctx, question, startedAt);
      } finally {
        spinner?.stop();
      }
      if (!agent) auditOfflineAsk(project, result);
      if (args.json) printJson(result);
      else print(render(result));
      exitWith(result.status === "failed" || result.status === "needs_approval" ? ExitCode.failed : ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
});
