import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { toolSpecs } from "../toolbox/index.ts";
import type { AnyTool } from "../toolbox/tool.ts";

function annotations(tool: AnyTool): McpTool["annotations"] {
  const title = tool.name.replaceAll("_", " ");
  if (tool.authority === "read")
    return { title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
  if (tool.authority === "recommend")
    return { title, readOnlyHint: false, destructiveHint: false, openWorldHint: false };
  return { title, readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };
}

/** The typed tools as MCP lists them: the JSON Schema of the same zod input, and hints from their authority. */
export function mcpTools(tools: AnyTool[]): McpTool[] {
  const specs = toolSpecs(tools);
  return tools.map((tool, i) => {
    const schema = { ...specs[i]!.input_schema } as {
      type: "object";
      properties?: Record<string, object>;
      required?: string[];
      [k: string]: unknown;
    };
    delete schema.$schema;
    const note =
      tool.authority === "act"
        ? " [act: dp asks the human to approve each call (MCP elicitation); clients that cannot ask are refused unless ai.allow_act_unattended]"
        : tool.authority === "recommend"
          ? " [recommend: proposes; a human decides]"
          : "";
    return {
      name: tool.name,
      description: `${tool.description}${note}`,
      inputSchema: schema,
      annotations: annotations(tool),
    };
  });
}
