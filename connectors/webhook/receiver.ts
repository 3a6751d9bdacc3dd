import type { Server } from "bun";
import { isoDate, now } from "../../engine/clock.ts";
import { DpError, ExitCode } from "../../engine/errors.ts";
import { log } from "../../engine/log.ts";
import type { Project } from "../../engine/config/project.ts";
import { loadSourceConnector } from "../../engine/ingest/pull.ts";
import type { WebhookConfig } from "./config.ts";
import { InboxAppender, inboxDir, inboxSegments, readSegment } from "./inbox.ts";
import { lakeEventIds } from "./lake-ids.ts";
import { acquireLock } from "../../engine/orchestrate/lock.ts";
import { verifyStripeSignature } from "./signature.ts";
import { parseJson } from "../../engine/ingest/exact-json.ts";

export interface WebhookServerOptions {
  port?: number;
  host?: string;
  /** turn the inbox into Parquet on the sources' interval and size triggers (off in some tests) */
  autoFlush?: boolean;
}

interface Endpoint {
  source: string;
  config: WebhookConfig;
  appender: InboxAppender;
  /** ids in the inbox or the lake: a delivery with one of these is acknowledged, not stored */
  seen: Set<string>;
  /** deliveries still being made durable; a duplicate waits for its original */
  inFlight: Map<string, Promise<void>>;
  unflushed: number;
}

export interface WebhookStats {
  accepted: number;
  duplicates: number;
  rejected: number;
}

const PATH = /^\/webhooks\/([a-z][a-z0-9_]*)\/?$/;

/**
 * `dp serve`: verify, spool durably, acknowledge; land in Parquet later. The acknowledgement
 * waits only for an fdatasync of the inbox line, so a sender gets its 200 in milliseconds and
 * every 200 survives kill -9. Flushing is an ordinary pull of the webhook sources under the
 * project's run lock, so it never races `dp pull` or `dp run`.
 */
export class WebhookServer {
  readonly stats: WebhookStats = { accepted: 0, duplicates: 0, rejected: 0 };
  private server: Server<undefined> | undefined;
  private timer: Timer | undefined;
  private flushing: Promise<boolean> | undefined;
  private releaseServeLock: (() => void) | undefined;

  private constructor(
    private readonly project: Project,
    private readonly endpoints: Map<string, Endpoint>,
  ) {}

  static async start(project: Project, options: WebhookServerOptions = {}): Promise<WebhookServer> {
    const server = await WebhookServer.open(project, options);
    try {
      server.listen(options);
    } catch (e) {
      clearInterval(server.timer);
      server.releaseServeLock?.();
      throw e;
    }
    return server;
  }

  /** The webhook sources of this project (none is fine for a caller that serves other things too). */
  static sourcesOf(project: Project): string[] {
    return Object.entries(project.config.sources)
      .filter(([, s]) => s.connector === "webhook")
      .map(([n]) => n);
  }

  /**
   * Everything but the listening socket: endpoints, the serve lock, the ids already seen, the flush timer.
   * `dp serve` mounts `handle` beside the dashboards on one port.
   */
  static async open(project: Project, options: WebhookServerOptions = {}): Promise<WebhookServer> {
    const names = WebhookServer.sourcesOf(project);
    if (!names.length) {
      throw new DpError("CONFIG", "no source uses the webhook connector", {
        where: `${project.file.displayPath} sources`,
        fix: 'add one, e.g. sources: { stripe_events: { connector: webhook, config: { signing_secret: "${STRIPE_WEBHOOK_SECRET}" } } }',
      });
    }
    const endpoints = new Map<string, Endpoint>();
    for (const source of names) {
      const { config } = await loadSourceConnector(project, source);
      endpoints.set(source, {
        source,
        config: config as WebhookConfig,
        appender: new InboxAppender(inboxDir(project.paths.lake, source), () => isoDate(new Date())),
        seen: new Set(),
        inFlight: new Map(),
        unflushed: 0,
      });
    }
    const release = acquireLock(project, "serve", "serve");
    const server = new WebhookServer(project, endpoints);
    server.releaseServeLock = release;
    try {
      for (const ep of endpoints.values()) await server.rebuildSeen(ep);
    } catch (e) {
      release();
      throw e;
    }
    if (options.autoFlush !== false) {
      const every = Math.min(...[...endpoints.values()].map((e) => e.config.flush_interval_seconds)) * 1000;
      server.timer = setInterval(() => void server.flushLogged(), every);
    }
    return server;
  }

  get url(): string {
    return `http://${this.server!.hostname}:${this.server!.port}`;
  }

  get sources(): string[] {
    return [...this.endpoints.keys()];
  }

  /** Land the inbox in Parquet; false when skipped because another run holds the project lock. */
  flush(): Promise<boolean> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushLogged(): Promise<void> {
    try {
      await this.flush();
    } catch (e) {
      log.warn(`flush failed: ${(e as Error).message}; the inbox keeps the events`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.server?.stop();
    for (const ep of this.endpoints.values()) await ep.appender.close();
    await this.flushing;
    await this.flush().catch((e) =>
      log.warn(`final flush failed: ${(e as Error).message}; the inbox keeps the events for the next \`dp pull\``),
    );
    this.releaseServeLock?.();
  }

  /**
   * The landing runs as a `dp pull` child: parsing the inbox and writing Parquet would otherwise
   * share the event loop with acknowledgements (p99 ack went from ~60 ms to ~300 ms in-process).
   */
  private async flushOnce(): Promise<boolean> {
    for (const ep of this.endpoints.values()) ep.unflushed = 0;
    const child = Bun.spawn([...dpCommand(), "pull", ...this.sources, "-C", this.project.dir, "--log-format", "json"], {
      stdout: "ignore",
      stderr: "inherit",
      env: process.env,
    });
    const code = await child.exited;
    if (code === ExitCode.locked) return false;
    if (code !== 0) throw new Error(`dp pull ${this.sources.join(" ")} exited ${code}`);
    return true;
  }

  private async rebuildSeen(ep: Endpoint): Promise<void> {
    const dir = inboxDir(this.project.paths.lake, ep.source);
    for (const segment of inboxSegments(dir)) {
      for (const line of readSegment(`${dir}/${segment}`, 0).lines) {
        try {
          const id = (JSON.parse(line.text) as { id?: unknown }).id;
          if (typeof id === "string") ep.seen.add(id);
        } catch {}
      }
    }
    for (const id of await lakeEventIds(this.project.paths.lake, ep.source)) ep.seen.add(id);
  }

  /** The largest body any webhook source accepts (its `max_body_bytes`). */
  get maxBodyBytes(): number {
    return Math.max(...[...this.endpoints.values()].map((e) => e.config.max_body_bytes));
  }

  private listen(options: WebhookServerOptions): void {
    this.server = Bun.serve({
      port: options.port ?? 8765,
      hostname: options.host ?? "127.0.0.1",
      maxRequestBodySize: this.maxBodyBytes + 1,
      fetch: (req) => this.handle(req),
      error: (e) => reply(500, { error: `internal error: ${e.message}` }),
    });
  }

  /** One request to /webhooks/<source> (or /healthz): verify, spool durably, acknowledge. */
  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return reply(200, { ok: true, sources: this.sources });
    const m = PATH.exec(url.pathname);
    const ep = m ? this.endpoints.get(m[1]!) : undefined;
    if (!ep)
      return this.reject(
        404,
        `no webhook source at ${url.pathname}; POST to /webhooks/<source> for one of: ${this.sources.join(", ")}`,
      );
    if (req.method !== "POST") return this.reject(405, "use POST");
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > ep.config.max_body_bytes) return this.reject(413, `body over ${ep.config.max_body_bytes} bytes`);
    const body = await readCapped(req, ep.config.max_body_bytes);
    if (body === undefined) return this.reject(413, `body over ${ep.config.max_body_bytes} bytes`);
    const verdict = verifyStripeSignature(
      req.headers.get("stripe-signature"),
      body,
      ep.config.signing_secret,
      now().getTime(),
      ep.config.tolerance_seconds,
    );
    if (!verdict.ok) return this.reject(verdict.status, verdict.reason);
    let event: Record<string, unknown>;
    try {
      event = parseJson<Record<string, unknown>>(body);
    } catch {
      return this.reject(400, "body is not valid JSON");
    }
    if (!event || typeof event !== "object" || Array.isArray(event) || typeof event.id !== "string" || !event.id) {
      return this.reject(400, 'expected a JSON object with a string "id"');
    }
    return this.accept(ep, event.id, event);
  }

  private async accept(ep: Endpoint, id: string, event: Record<string, unknown>): Promise<Response> {
    if (ep.seen.has(id)) {
      await ep.inFlight.get(id)?.catch(() => {});
      if (ep.seen.has(id)) {
        this.stats.duplicates += 1;
        return reply(200, { received: true, duplicate: true });
      }
    }
    ep.seen.add(id);
    const durable = ep.appender.append({ id, received_at: new Date().toISOString(), event });
    ep.inFlight.set(id, durable);
    try {
      await durable;
    } catch (e) {
      ep.seen.delete(id);
      log.error(`${ep.source}: cannot spool event ${id}: ${(e as Error).message}`);
      return reply(503, { error: "could not store the event; retry" });
    } finally {
      ep.inFlight.delete(id);
    }
    this.stats.accepted += 1;
    ep.unflushed += 1;
    if (ep.unflushed >= ep.config.flush_max_events && this.timer) void this.flushLogged();
    return reply(200, { received: true });
  }

  private reject(status: number, reason: string): Response {
    this.stats.rejected += 1;
    return reply(status, { error: reason });
  }
}

function reply(status: number, body: unknown): Response {
  return Response.json(body, { status });
}

/** The body as text, or undefined once it passes the cap (chunked bodies have no length to check first). */
async function readCapped(req: Request, cap: number): Promise<string | undefined> {
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.byteLength;
    if (size > cap) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** How to run dp again: the single binary is its own entry point; from source it is bun + cli/main.ts. */
function dpCommand(): string[] {
  const script = process.argv[1];
  return script && !script.startsWith("/$bunfs") && /\.(ts|js)$/.test(script)
    ? [process.execPath, script]
    : [process.execPath];
}
