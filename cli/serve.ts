import { defineCommand } from "citty";
import { DpError } from "../engine/errors.ts";
import { log } from "../engine/log.ts";
import { startServer } from "../tools/dashboard/server.ts";
import { openProject, print, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "serve",
    description:
      "the dashboards, docs and ask box on 127.0.0.1, and webhooks (POST /webhooks/<source>) into the raw lake",
    examples: ["dp serve", "dp serve --port 9000 --host 0.0.0.0   # behind a TLS proxy"],
  },
  args: {
    ...projectArgs,
    port: {
      type: "string",
      description: "port to listen on (0: any free port)",
      default: "8765",
      valueHint: "PORT",
      check: (v: string) => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : "a port number, 0 to 65535"),
    },
    host: {
      type: "string",
      description: "interface to bind; put a TLS proxy in front to expose it",
      default: "127.0.0.1",
    },
  },
  async run({ args }) {
    const project = openProject(args);
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new DpError("USAGE", `--port ${args.port} is not a port number`, {
        fix: "use --port 8765 (or 0 for any free port)",
      });
    const server = await startServer(project, { port, host: args.host });
    print(`dashboards on ${server.url}/`);
    if (server.webhooks.length)
      print(`listening on ${server.url} for ${server.webhooks.map((s) => `/webhooks/${s}`).join(", ")}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info(`${signal}: stopping${server.webhooks.length ? " (landing the inbox first)" : ""}`);
        void server.stop().finally(resolve);
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
    const s = server.webhookStats;
    if (s) log.info(`stopped: ${s.accepted} accepted, ${s.duplicates} duplicates, ${s.rejected} rejected`);
  },
});
