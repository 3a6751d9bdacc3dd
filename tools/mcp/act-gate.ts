import { DpError } from "../../engine/errors.ts";
import type { Project } from "../../engine/config/project.ts";
import type { ActApproval } from "../context.ts";
import type { AnyTool } from "../toolbox/tool.ts";

/** The field an MCP client's human sets to say yes to an `act` tool; never passed on to the tool. */
export const CONFIRM_FIELD = "confirm";

export const CONFIRM_SCHEMA = {
  type: "boolean",
  description:
    "this tool acts (irreversible). Set true only after the human has approved this exact call; without it dp refuses",
} as const;

/**
 * `act` tools over MCP run only with a human's yes: the call carries confirm: true (MCP clients show
 * the arguments for approval before running a tool), or the project allows unattended acts.
 * Returns the arguments without the confirm field, and the approval an act runs under.
 */
export function gateAct(
  project: Project,
  tool: AnyTool,
  args: Record<string, unknown>,
): { input: Record<string, unknown>; approval?: ActApproval } {
  if (tool.authority !== "act") return { input: args };
  const { [CONFIRM_FIELD]: confirm, ...rest } = args;
  // the client's approval dialog is the prompt the human answered
  if (confirm === true) return { input: rest, approval: { by: "prompt" } };
  if (project.config.ai.allow_act_unattended) return { input: rest, approval: { by: "ai.allow_act_unattended" } };
  throw new DpError("USAGE", `${tool.name} acts (it cannot be undone) and needs a human's yes`, {
    where: `tool ${tool.name}`,
    fix: `ask the human to approve this call, then call it again with "${CONFIRM_FIELD}": true (or set ai.allow_act_unattended: true in project.yaml)`,
  });
}
