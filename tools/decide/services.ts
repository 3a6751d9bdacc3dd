import type { Project } from "../../engine/config/project.ts";
import type { ActRunner, DecisionServices } from "../../engine/decide/decider.ts";
import { asDpError } from "../../engine/errors.ts";
import { createToolContext, type ToolContext } from "../context.ts";
import { providerFor } from "../providers/index.ts";
import { callTool, TOOLS } from "../toolbox/index.ts";
import { LlmDecider } from "./llm-decider.ts";
import { offlineDecider } from "./offline-decider.ts";

/**
 * What `dp run` and `dp review` hand the engine's decision step: the project's LLM provider when it
 * has a key (else the offline rules), and acts that run through callTool() like every other act.
 */
export function decisionServices(
  project: Project,
  options: { offline?: boolean; env?: NodeJS.ProcessEnv } = {},
): DecisionServices {
  const provider = options.offline ? undefined : providerFor(project.config.ai, options.env);
  return { decider: provider ? new LlmDecider(provider) : offlineDecider, acts: toolActs(project) };
}

/** A label's act, through callTool(): the approval says whose yes it is (the authority map, or a person in dp review). */
export function toolActs(project: Project): ActRunner {
  // set inside together(): one context for its acts (loading the reader catalog took ≈16 ms an act, 0.43 s
  // of the 10× demo's 27 acts a run)
  let shared: ToolContext | undefined;
  return {
    actTools: TOOLS.filter((t) => t.authority === "act").map((t) => t.name),
    async run(act, approval) {
      const ctx = shared ?? createToolContext(project);
      try {
        const r = await callTool(
          {
            ...ctx,
            approval: {
              by: approval.by,
              actor: approval.by === "review" ? "review" : "decision",
              who: approval.who,
              ref: `${approval.decision}/${approval.decision_id}`,
            },
          },
          { name: act.tool, input: act.input },
        );
        return { ok: true, summary: r.summary };
      } catch (e) {
        return { ok: false, error: asDpError(e).message };
      } finally {
        if (ctx !== shared) ctx.close();
      }
    },
    async together(fn) {
      if (shared) return fn();
      shared = createToolContext(project);
      try {
        return await fn();
      } finally {
        shared.close();
        shared = undefined;
      }
    },
  };
}
