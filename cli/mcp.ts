import { defineCommand } from "citty";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { serveMcp } from "../tools/mcp/server.ts";
import { openProject, projectArgs } from "./_common.ts";

/** stdout carries the protocol: nothing else may print there. */
export default defineCommand({
  meta: {
    name: "mcp",
    description: "serve the typed ask tools over MCP (stdio) for Claude Desktop, IDEs and other agents",
    examples: ["dp mcp -C /path/to/project"],
  },
  args: { ...projectArgs },
  async run({ args }) {
    const project = openProject(args);
    const { closed, close } = await serveMcp(project, new StdioServerTransport());
    const stop = () => void close();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    process.stdin.once("end", stop);
    await closed;
  },
});
