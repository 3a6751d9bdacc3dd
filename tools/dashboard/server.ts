import type { Server } from "bun";
import { WebhookServer, type WebhookStats } from "../../connectors/webhook/receiver.ts";
import type { Project } from "../../engine/config/project.ts";
import { asDpError, DpError } from "../../engine/errors.ts";
import { answerQuestion } from "./ask-endpoint.ts";
import { SiteCache } from "./site-cache.ts";

export interface ServeOptions {
  port?: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  /** the webhook sources mounted at /webhooks/<source> */
  webhooks: string[];
  webhookStats?: WebhookStats;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
};

/**
 * `dp serve`: the dashboards and docs (read from the published snapshot, so a build never waits for them),
 * the ask box's POST /api/ask, and the project's webhook sources, on one port.
 */
export async function startServer(project: Project, options: ServeOptions = {}): Promise<RunningServer> {
  const webhooks = WebhookServer.sourcesOf(project).length ? await WebhookServer.open(project) : undefined;
  const site = new SiteCache(project);
  let server: Server<undefined>;
  try {
    server = Bun.serve({
      port: options.port ?? 8765,
      hostname: options.host ?? "127.0.0.1",
      maxRequestBodySize: Math.max(64 * 1024, (webhooks?.maxBodyBytes ?? 0) + 1),
      fetch: (req) => route(req),
      error: (e) => Response.json({ error: `internal error: ${e.message}` }, { status: 500 }),
    });
  } catch (e) {
    await webhooks?.stop();
    throw new DpError(
      "USAGE",
      `cannot listen on ${options.host ?? "127.0.0.1"}:${options.port ?? 8765}: ${(e as Error).message}`,
      {
        fix: "pick another --port (0: any free port), or stop what is using it",
      },
    );
  }

  async function route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (webhooks && (url.pathname.startsWith("/webhooks/") || url.pathname === "/healthz")) return webhooks.handle(req);
    if (url.pathname === "/healthz") return Response.json({ ok: true, sources: [] });
    if (url.pathname === "/api/ask") {
      if (req.method !== "POST") return Response.json({ error: "use POST" }, { status: 405 });
      return answerQuestion(project, await req.json().catch(() => undefined));
    }
    if (req.method !== "GET" && req.method !== "HEAD") return Response.json({ error: "use GET" }, { status: 405 });
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, "") || "index.html";
    let pages;
    try {
      pages = await site.get();
    } catch (e) {
      const err = asDpError(e);
      return new Response(`dp serve cannot show this project: ${err.message}${err.fix ? `\nfix: ${err.fix}` : ""}\n`, {
        status: 500,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    const body = pages.get(path) ?? pages.get(`${path.replace(/\/$/, "")}/index.html`);
    if (body === undefined) return new Response("not found\n", { status: 404 });
    return new Response(body, {
      headers: {
        "content-type": TYPES[path.split(".").pop() ?? ""] ?? "application/octet-stream",
        "cache-control": "no-cache",
      },
    });
  }

  return {
    url: `http://${server.hostname}:${server.port}`,
    webhooks: webhooks?.sources ?? [],
    webhookStats: webhooks?.stats,
    async stop() {
      await server.stop();
      await webhooks?.stop();
    },
  };
}
