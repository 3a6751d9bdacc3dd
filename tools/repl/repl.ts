import { createInterface } from "node:readline";
import type { AgentOptions } from "../agent/loop.ts";
import { describeAct, type LlmAgent } from "../agent/loop.ts";
import { askOffline, type AskResult } from "../ask/offline-answer.ts";
import { auditOfflineAsk, spentToday } from "../ask/question-audit.ts";
import type { ToolContext } from "../context.ts";
import { TOOLS } from "../toolbox/index.ts";
import { planQuestion, type Plan } from "../planner/plan.ts";
import { followUpPlan, isFollowUp } from "./followup.ts";
import { startSpinner, type Spinner } from "./spinner.ts";

export interface ReplIo {
  input: NodeJS.ReadableStream;
  write(text: string): void;
  interactive: boolean;
  /** the terminal, when interactive: readline then edits the line itself (Ctrl-C, Ctrl-D, arrows) */
  output?: NodeJS.WritableStream;
}

export interface ReplConfig {
  ctx: ToolContext;
  /** the LLM path; undefined: the offline planner */
  agent?: LlmAgent;
  agentOptions: () => AgentOptions;
  render(result: AskResult): string;
  io: ReplIo;
}

/**
 * Lines as they arrive, whether typed or piped all at once; null when the input ends. On a terminal it
 * behaves like the shells its users know: Ctrl-C clears a half-typed line (on an empty one it says how to
 * leave, and a second one leaves), Ctrl-D on an empty line leaves with the shell's prompt on a line of its own.
 */
function lineReader(io: ReplIo) {
  const terminal = io.interactive && Boolean(io.output);
  const rl = createInterface({ input: io.input, output: terminal ? io.output : undefined, terminal });
  const queue: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  let closed = false;
  let interrupted = false;
  rl.on("line", (l) => {
    interrupted = false;
    if (waiting.length) waiting.shift()!(l);
    else queue.push(l);
  });
  rl.on("close", () => {
    if (terminal && !closed) io.write("\n");
    closed = true;
    for (const w of waiting.splice(0)) w(null);
  });
  rl.on("SIGINT", () => {
    // readline keeps the half-typed line in rl.line; a waiting prompt means no question is running
    const typed = (rl as unknown as { line: string }).line;
    if (!waiting.length) {
      io.write("\n");
      process.exit(130);
    }
    if (typed || !interrupted) {
      io.write(typed ? "^C\n" : "^C (press Ctrl-C again, Ctrl-D or /exit to leave)\n");
      interrupted = !typed;
      rl.write(null, { ctrl: true, name: "u" });
      rl.prompt();
      return;
    }
    rl.close();
  });
  return {
    next(prompt: string): Promise<string | null> {
      if (terminal) {
        rl.setPrompt(prompt);
        rl.prompt();
      } else if (io.interactive) io.write(prompt);
      if (queue.length) return Promise.resolve(queue.shift()!);
      if (closed) return Promise.resolve(null);
      return new Promise((r) => waiting.push(r));
    },
    close: () => {
      closed = true;
      rl.close();
    },
  };
}

const HELP = "ask a question, or: /metrics  /tables  /cost  /help  /exit";

/** `dp ask` with no question: a conversation. Follow-ups reuse the previous plan (offline) or the message history (LLM). */
export async function runRepl(config: ReplConfig): Promise<void> {
  const { ctx, io } = config;
  const lines = lineReader(io);
  const catalog = ctx.catalog;
  let sessionUsd = 0;
  let asked = 0;
  let previous: Plan | undefined;
  let activeSpinner: Spinner | undefined;
  if (config.agent && io.interactive) {
    config.agent.confirm = async (request) => {
      activeSpinner?.pause();
      try {
        return /^y(?:es)?$/i.test(
          (await lines.next(`  dp ask wants to ${describeAct(request)}. Allow? [y/N] `))?.trim() ?? "",
        );
      } finally {
        activeSpinner?.resume();
      }
    };
  }
  io.write(
    `dp ask — ${config.agent ? `${ctx.project.config.ai.model} through typed tools` : "offline planner"} on ${ctx.project.config.name}. ${HELP}\n`,
  );
  for (;;) {
    const raw = await lines.next("dp> ");
    if (raw === null) break;
    const line = raw.trim();
    if (!line) continue;
    if (line === "/exit" || line === "/quit") break;
    if (line === "/help") {
      io.write(`${HELP}\n`);
      continue;
    }
    if (line === "/metrics") {
      const width = Math.max(...catalog.metrics.map((m) => m.name.length), 0);
      io.write(
        `${catalog.metrics.map((m) => `  ${m.name.padEnd(width)}  ${m.description} (marts.${m.mart})`).join("\n") || "  (no metrics defined)"}\n`,
      );
      continue;
    }
    if (line === "/tables") {
      const marts = catalog.marts();
      const width = Math.max(...marts.map((m) => m.name.length), 0);
      io.write(
        `${marts.map((m) => `  marts.${m.name.padEnd(width)}  ${m.description ?? ""}`.trimEnd()).join("\n") || "  (no marts)"}\n`,
      );
      continue;
    }
    if (line === "/cost") {
      const ai = ctx.project.config.ai;
      io.write(
        `  this session: $${sessionUsd.toFixed(4)} over ${asked} question${asked === 1 ? "" : "s"} · today: $${spentToday(ctx.project).toFixed(4)} of $${ai.daily_budget_usd.toFixed(2)} (ai.daily_budget_usd)\n`,
      );
      continue;
    }
    if (line.startsWith("/")) {
      io.write(`unknown command ${line}. ${HELP}\n`);
      continue;
    }
    const spinner = io.interactive ? startSpinner() : undefined;
    activeSpinner = spinner;
    let result: AskResult;
    try {
      if (config.agent) {
        result = await config.agent.answer(line, ctx, TOOLS, config.agentOptions());
      } else {
        // no warehouse yet: askOffline reports that
        // the planner places a value only on the values the marts hold
        await ctx.dimensionValues().catch(() => undefined);
        const plan =
          (previous && isFollowUp(line) && followUpPlan(previous, line, catalog)) || planQuestion(line, catalog);
        if (plan.status === "plan") previous = plan;
        result = await askOffline(ctx, line, performance.now(), plan);
        auditOfflineAsk(ctx.project, result);
      }
    } finally {
      spinner?.stop();
    }
    asked++;
    sessionUsd += result.cost_usd;
    io.write(`${config.render(result)}\n`);
  }
  lines.close();
}
