import { defineCommand } from "citty";
import { WebhookServer } from "../connectors/webhook/receiver.ts";
import { DpError } from "../engine/errors.ts";
import { log } from "../engine/log.ts";
import { openProject, print, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: { name: "serve", description: "receive webhooks (POST /webhooks/<source>) into the raw lake" },
  args: {
    ...projectArgs,
    port: { type: "string", description: "port to listen on (0: any free port)", default: "8765" },
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
    const server = await WebhookServer.start(project, { port, host: args.host });
    print(`listening on ${server.url} for ${server.sources.map((s) => `/webhooks/${s}`).join(", ")}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info(`${signal}: landing the inbox, then stopping`);
        void server.stop().finally(resolve);
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
    log.info(
      `stopped: ${server.stats.accepted} accepted, ${server.stats.duplicates} duplicates, ${server.stats.rejected} rejected`,
    );
  },
});
