import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import { asDpError, DpError } from "../../engine/errors.ts";
import type { Project } from "../../engine/config/project.ts";
import { redact } from "../../engine/secrets.ts";
import { VERSION } from "../../engine/version.ts";
import { callTool, TOOLS } from "../toolbox/index.ts";
import type { AnyTool } from "../toolbox/tool.ts";
import { type AskHuman, gateAct } from "./act-gate.ts";
import { contextCache } from "./context-cache.ts";
import { mcpOutput } from "./row-level.ts";
import { mcpTools } from "./tool-list.ts";

const METRICS_URI = "dp://metrics";

const INSTRUCTIONS =
  "dp answers business questions from tested marts through typed tools over named metrics; there is no SQL tool. " +
  "Start with list_metrics, then query_metric / compare_periods / top_n. Every result carries citations " +
  "(models, sources, freshness, test status): report them, and flag failing tests or stale sources.";

function text(value: unknown, isError = false): CallToolResult {
  return {
    content: [{ type: "text", text: redact(typeof value === "string" ? value : JSON.stringify(value, null, 2)) }],
    ...(isError ? { isError: true } : {}),
  };
}

export function errorResult(e: unknown): CallToolResult {
  return text(asDpError(e).format(), true);
}

/** The human at the client, asked through MCP elicitation (a yes/no form), when the client supports it. */
function askHuman(server: Server): AskHuman {
  if (!server.getClientCapabilities()?.elicitation) return undefined;
  return async (message) => {
    const r = await server.elicitInput({
      message,
      requestedSchema: {
        type: "object",
        properties: { approve: { type: "boolean", title: "Allow", description: "yes to run it, no to refuse" } },
        required: ["approve"],
      },
    });
    return r.action === "accept" && r.content?.approve === true;
  };
}

/** An MCP server over the same typed tools `dp ask` uses, with the same validation, PII masking and citations. */
export function createMcpServer(project: Project, tools: AnyTool[] = TOOLS): { server: Server; close(): void } {
  const contexts = contextCache(project);
  const server = new Server(
    { name: "dp", version: VERSION },
    { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS },
  );
  const listed = mcpTools(tools);

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));

  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    try {
      const tool = tools.find((t) => t.name === req.params.name);
      if (!tool)
        throw new DpError("USAGE", `unknown tool "${req.params.name}"`, {
          fix: `use one of: ${tools.map((t) => t.name).join(", ")}`,
        });
      const args = (req.params.arguments ?? {}) as Record<string, unknown>;
      const { input, approval } = await gateAct(project, tool, args, askHuman(server));
      // the approval rides on this call's own view of the context, never on the shared one
      const ctx = approval ? { ...contexts.get(), approval } : contexts.get();
      const result = await callTool(ctx, { name: tool.name, input });
      return text(mcpOutput(result, ctx.catalog, project.config.ai.allow_row_level));
    } catch (e) {
      return errorResult(e);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: [
      {
        uri: METRICS_URI,
        name: "metrics",
        title: "Named metrics",
        description: "the metrics this project defines (list_metrics)",
        mimeType: "application/json",
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    if (req.params.uri !== METRICS_URI)
      throw new DpError("NOT_FOUND", `no resource ${req.params.uri}`, { fix: `read ${METRICS_URI}` });
    const result = await callTool(contexts.get(), { name: "list_metrics", input: {} });
    return {
      contents: [
        {
          uri: METRICS_URI,
          mimeType: "application/json",
          text: redact(JSON.stringify(result.output.metrics, null, 2)),
        },
      ],
    };
  });

  return {
    server,
    close: () => contexts.close(),
  };
}

/**
 * Serves until closed. `close()` first lets every request already received finish and its reply go out:
 * a client that writes a call and closes stdin at once (a script, `echo … | dp mcp`) still gets its answer.
 */
export async function serveMcp(
  project: Project,
  transport: Transport,
): Promise<{ closed: Promise<void>; close(): Promise<void> }> {
  const { server, close } = createMcpServer(project);
  const inFlight = new Set<Promise<void>>();
  const replied = new Map<string | number, () => void>();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => {
      close();
      resolve();
    };
  });
  await server.connect(transport);
  // the SDK answers a request when its handler settles; count them from the moment they arrive
  const dispatch = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ("id" in message && "method" in message) {
      const done = new Promise<void>((resolve) => replied.set(message.id, resolve));
      inFlight.add(done);
      void done.then(() => inFlight.delete(done));
    }
    dispatch?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    await send(message, options);
    if ("id" in message && !("method" in message)) replied.get(message.id!)?.();
  };
  return {
    closed,
    close: async () => {
      while (inFlight.size) await Promise.all([...inFlight]);
      await server.close();
    },
  };
}
