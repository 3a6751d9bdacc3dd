import { DpError } from "../../engine/errors.ts";
import type { Project } from "../../engine/config/project.ts";
import type { ActApproval } from "../context.ts";
import type { AnyTool } from "../toolbox/tool.ts";

/** A field some clients (and models) send to say yes to an act; dropped and never trusted: the yes must come from a human. */
export const CONFIRM_FIELD = "confirm";

/** Asks the human at the client (MCP elicitation); undefined when the client cannot ask one. */
export type AskHuman = ((question: string) => Promise<boolean>) | undefined;

function describe(tool: AnyTool, input: Record<string, unknown>): string {
  return tool.name === "export_mart"
    ? `export the mart ${String(input.mart ?? "?")} to ${String(input.to ?? "?")}`
    : `run ${tool.name} with ${JSON.stringify(input)}`;
}

/**
 * `act` tools over MCP run only with a human's yes. The arguments come from the client's model, so
 * a `confirm: true` in them is no yes: dp asks the human itself through MCP elicitation when the
 * client supports it, and otherwise refuses unless the project allows unattended acts.
 * Returns the arguments (without any confirm field) and the approval an act runs under.
 */
export async function gateAct(
  project: Project,
  tool: AnyTool,
  args: Record<string, unknown>,
  askHuman: AskHuman,
): Promise<{ input: Record<string, unknown>; approval?: ActApproval }> {
  if (tool.authority !== "act") return { input: args };
  const { [CONFIRM_FIELD]: _ignored, ...input } = args;
  if (project.config.ai.allow_act_unattended) return { input, approval: { by: "ai.allow_act_unattended" } };
  const what = describe(tool, input);
  if (!askHuman)
    throw new DpError(
      "USAGE",
      `${tool.name} acts (it cannot be undone) and needs a human's yes, which this MCP client cannot ask for`,
      {
        where: `tool ${tool.name}`,
        fix: `use a client that supports MCP elicitation, run it yourself (dp export), or set ai.allow_act_unattended: true in project.yaml`,
      },
    );
  if (!(await askHuman(`dp wants to ${what}. This cannot be undone. Allow it?`)))
    throw new DpError("USAGE", `the human declined: ${what} was not done`, {
      where: `tool ${tool.name}`,
      fix: "do not retry it unless the human asks again",
    });
  return { input, approval: { by: "prompt" } };
}
