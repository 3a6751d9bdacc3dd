import pRetry, { AbortError } from "p-retry";
import { envVarsHolding } from "../../engine/config/env.ts";
import { DpError, type DpErrorOptions } from "../../engine/errors.ts";
import { redact, registerSecret } from "../../engine/secrets.ts";
import { TokenBucket, sleep } from "./limiter.ts";
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from "../../engine/ingest/http-retry.ts";
import type { ReadContext } from "../../engine/ingest/connector.ts";
import { parseJson } from "../../engine/ingest/exact-json.ts";

export { parseRetryAfter };

export type QueryValue = string | number | boolean | undefined | null | (string | number)[];
export type Query = Record<string, QueryValue>;

export interface HttpResponse<T = unknown> {
  status: number;
  url: string;
  headers: Headers;
  data: T;
}

export interface HttpClientOptions {
  /** names the API in messages: "stripe", "hubspot", "rest" */
  label: string;
  baseUrl: string;
  headers?: Record<string, string>;
  /** sent with every request (api_key in query) */
  query?: Record<string, string>;
  /** per request, headers and body together */
  timeoutMs?: number;
  /** config key holding the credential and its value, so a 401 can name the env var to check */
  credential?: { key: string; value?: string };
  /** values to scrub from every message even if they did not come from ${ENV} */
  secrets?: (string | undefined)[];
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  parse?: (text: string) => unknown;
  /** parse a 2xx body from its bytes as they arrived, instead of `parse` from its text */
  parseBytes?: (bytes: Uint8Array) => unknown;
  /** answer a 404 with `data: null` instead of failing (a record deleted since it was listed) */
  missingOk?: boolean;
}

const BASE_BACKOFF_MS = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The one HTTP client every API connector uses: JSON over Bun's fetch, retried with p-retry
 * (full-jitter exponential backoff, Retry-After honoured) on 429, 5xx, resets, timeouts and
 * truncated bodies; other 4xx fail at once. Rate limited by a token bucket.
 */
export class HttpClient {
  pages = 0;
  records = 0;
  retries = 0;
  private readonly limiter?: TokenBucket;
  private readonly base: URL;

  constructor(
    private readonly ctx: ReadContext,
    private readonly opts: HttpClientOptions,
  ) {
    this.base = new URL(opts.baseUrl);
    if (ctx.rateLimit) this.limiter = new TokenBucket(ctx.rateLimit);
    for (const s of [...(opts.secrets ?? []), opts.credential?.value]) registerSecret(s);
  }

  /** `parse` turns a 2xx body into data (default JSON.parse, integers past 2^53 kept as written: exact-json.ts); a throw counts as a truncated body and is retried. */
  get<T>(pathOrUrl: string, query?: Query, parse?: (text: string) => T): Promise<HttpResponse<T>> {
    return this.request<T>("GET", pathOrUrl, { query, parse });
  }

  /** `get` with the 2xx body's bytes given to `parse` as they arrived, never decoded to text (a list page's records go to the spool as is). */
  getBytes<T>(pathOrUrl: string, query: Query | undefined, parse: (bytes: Uint8Array) => T): Promise<HttpResponse<T>> {
    return this.request<T>("GET", pathOrUrl, { query, parseBytes: parse });
  }

  /** GET that answers a 404 with `data: null`: the record was deleted since it was listed. */
  getIfExists<T>(pathOrUrl: string, query?: Query): Promise<HttpResponse<T | null>> {
    return this.request<T | null>("GET", pathOrUrl, { query, missingOk: true });
  }

  post<T>(pathOrUrl: string, body: unknown, query?: Query): Promise<HttpResponse<T>> {
    return this.request<T>("POST", pathOrUrl, { query, body });
  }

  /** Count a page for progress and the debug log. */
  page(records: number, url: string): void {
    this.pages += 1;
    this.records += records;
    this.ctx.log.debug(`page ${this.pages}: ${records} records from ${redact(url)}`);
    this.ctx.progress?.({ pages: this.pages, records: this.records, retries: this.retries });
  }

  url(pathOrUrl: string, query?: Query): URL {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      if (url.origin !== this.base.origin) {
        throw new DpError(
          "SOURCE_DATA",
          `${this.opts.label} pointed the next page at ${redact(url.origin)}, not ${this.base.origin}; refusing to send credentials there`,
          {
            where: `sources.${this.ctx.source}.config`,
          },
        );
      }
    } else {
      const basePath = this.base.pathname.replace(/\/+$/, "");
      url = new URL(this.base.origin + basePath + "/" + pathOrUrl.replace(/^\/+/, ""));
      if (this.base.search && !url.search) url.search = this.base.search;
    }
    for (const [k, v] of Object.entries({ ...this.opts.query, ...query })) {
      if (v === undefined || v === null) continue;
      url.searchParams.delete(k);
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
    return url;
  }

  async request<T>(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = this.url(pathOrUrl, options.query);
    const { maxAttempts } = this.ctx.retry;
    try {
      return await pRetry(() => this.attempt<T>(method, url, options), {
        retries: Math.max(0, maxAttempts - 1),
        minTimeout: 0,
        maxTimeout: 0,
        factor: 1,
        signal: this.ctx.signal,
        shouldRetry: ({ error }) => isTransient(error),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (!isTransient(error) || retriesLeft <= 0) return;
          const wait = this.backoffMs(attemptNumber, error);
          this.retries += 1;
          const asked = (error as RetryableError).retryAfterMs;
          const capped =
            asked !== undefined && asked > wait
              ? ` (Retry-After ${asked / 1000}s, capped by sources.${this.ctx.source}.retries.max_wait)`
              : "";
          this.ctx.log.warn(
            `${error.message}; retry ${attemptNumber}/${maxAttempts - 1} in ${(wait / 1000).toFixed(2)}s${capped}`,
          );
          this.ctx.progress?.({ pages: this.pages, records: this.records, retries: this.retries });
          await sleep(wait, this.ctx.signal);
        },
      });
    } catch (e) {
      if (e instanceof DpError && e.transient) {
        throw new DpError(e.code, `${e.message} (gave up after ${maxAttempts} attempts)`, {
          transient: true,
          where: e.where,
          fix: `the API is failing or rate limiting; the next run resumes from the last committed cursor (raise sources.${this.ctx.source}.retries to wait longer)`,
          cause: e,
        });
      }
      throw e;
    }
  }

  private async attempt<T>(method: string, url: URL, options: RequestOptions): Promise<HttpResponse<T>> {
    const { body, parse = parseJson, parseBytes } = options;
    if (this.ctx.signal?.aborted) throw new AbortError(new DpError("SOURCE_TRANSIENT", "pull interrupted"));
    await this.limiter?.take(this.ctx.signal);
    const shown = `${method} ${redact(url.toString())}`;
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // one controller per attempt, its timer cleared when the body is in (a timer left armed for
    // timeoutMs after each of 10,000 pages is 10,000 live timers and signals)
    const aborter = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      aborter.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
    const outer = this.ctx.signal;
    const onAbort = () => aborter.abort(outer?.reason);
    outer?.addEventListener("abort", onAbort, { once: true });
    let status: number;
    let headers: Headers;
    let text: string;
    let bytes: Uint8Array | undefined;
    try {
      // Bun's fetch itself: keep-alive, redirects followed, the body read as bytes or text
      const res = await fetch(url, {
        method,
        headers: {
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...this.opts.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: aborter.signal,
      });
      status = res.status;
      headers = res.headers;
      if (parseBytes) {
        bytes = new Uint8Array(await res.arrayBuffer());
        // the text only where it is read: an empty body, or an error's message
        text = status >= 200 && status < 300 && !blank(bytes) ? "" : UTF8.decode(bytes);
      } else text = await res.text();
    } catch (e) {
      if (outer?.aborted) throw new AbortError(new DpError("SOURCE_TRANSIENT", "pull interrupted", { cause: e }));
      if (timedOut) throw transient(`${shown} timed out after ${timeoutMs} ms`, e);
      if (isNetworkError(e)) throw transient(`${shown} failed: ${networkReason(e)}`, e);
      throw new DpError("SOURCE_HTTP", `${shown} failed: ${redact(String((e as Error)?.message ?? e))}`, { cause: e });
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    }
    if (status >= 200 && status < 300) {
      if (bytes ? blank(bytes) && !text.trim() : !text.trim())
        return { status, url: url.toString(), headers, data: null as T };
      try {
        return { status, url: url.toString(), headers, data: (bytes ? parseBytes!(bytes) : parse(text)) as T };
      } catch (e) {
        throw transient(`${shown} returned truncated or invalid JSON (${bytes?.length ?? text.length} bytes)`, e);
      }
    }
    if (status === 404 && options.missingOk) return { status, url: url.toString(), headers, data: null as T };
    const message = apiMessage(text);
    const detail = message ? `: ${redact(message)}` : "";
    if (isRetryableStatus(status)) {
      const err = transient(`${shown} returned ${status}${detail}`);
      const retryAfter = parseRetryAfter(headers.get("retry-after"));
      if (status === 429) this.limiter?.drain();
      if (retryAfter !== undefined) (err as RetryableError).retryAfterMs = retryAfter;
      throw err;
    }
    if (status === 401 || status === 403) throw this.authError(shown, status, detail, text);
    throw new DpError("SOURCE_HTTP", `${shown} returned ${status}${detail}`, {
      where: `sources.${this.ctx.source}.config`,
      fix:
        status === 404
          ? "check base_url and the stream's path"
          : "check the source's config against the API's documentation",
    });
  }

  private authError(shown: string, status: number, detail: string, body: string): DpError {
    const key = this.opts.credential?.key;
    const vars = envVarsHolding(this.opts.credential?.value);
    const check = vars.length
      ? vars.join(" or ")
      : key
        ? `sources.${this.ctx.source}.config.${key}`
        : "the credentials";
    return new HttpAuthError(
      status,
      body,
      `${this.opts.label} rejected the credentials (${status}) for ${shown}${detail}; check ${check}`,
      {
        where: key ? `sources.${this.ctx.source}.config.${key}` : `sources.${this.ctx.source}.config`,
        fix: vars.length
          ? `export ${vars[0]}=<a valid ${this.opts.label} key with read access> (or fix it in .env), then rerun \`dp pull ${this.ctx.source}\``
          : `set a valid credential in sources.${this.ctx.source}.config${key ? `.${key}` : ""} through \${ENV}`,
      },
    );
  }

  private backoffMs(attempt: number, error: Error): number {
    return backoffDelayMs(attempt, {
      maxMs: this.ctx.retry.maxWaitMs,
      baseMs: BASE_BACKOFF_MS,
      retryAfterMs: (error as RetryableError).retryAfterMs,
    });
  }
}

const UTF8 = new TextDecoder();

/** A body with nothing but ASCII whitespace, or a non-ASCII byte before anything else (decoded then, to trim as text). */
function blank(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 32 || (b >= 9 && b <= 13)) continue;
    return b >= 0x80;
  }
  return true;
}

interface RetryableError extends DpError {
  retryAfterMs?: number;
}

function transient(message: string, cause?: unknown): DpError {
  return new DpError("SOURCE_TRANSIENT", message, { transient: true, cause });
}

function isTransient(e: unknown): boolean {
  return e instanceof DpError && e.transient;
}

const NETWORK =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|socket|fetch failed|network|other side closed|connection.*closed/i;

function isNetworkError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  const text = [err?.code, err?.message, err?.cause?.code, err?.cause?.message].filter(Boolean).join(" ");
  return NETWORK.test(text);
}

function networkReason(e: unknown): string {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  return redact(err.code ?? err.cause?.code ?? (err.message ?? "network error").split(". ")[0]!);
}

/** The API's own error text, from the shapes Stripe, HubSpot and most REST APIs use. */
/**
 * A 401 or 403, with the status and the answer's body: a connector reads which scope or permission a 403
 * names (connectors/hubspot/denied.ts, connectors/stripe/denied.ts) to say what to grant.
 */
export class HttpAuthError extends DpError {
  constructor(
    readonly status: number,
    /** the response body as text (the vendor's error JSON) */
    readonly body: string,
    message: string,
    options: DpErrorOptions,
  ) {
    super("SOURCE_AUTH", message, options);
  }

  /** The body parsed as JSON; undefined when it is not. */
  json(): unknown {
    try {
      return JSON.parse(this.body);
    } catch {
      return undefined;
    }
  }
}

function apiMessage(text: string): string | undefined {
  try {
    const d = JSON.parse(text) as Record<string, any>;
    const m =
      d?.error?.message ??
      d?.message ??
      (typeof d?.error === "string" ? d.error : undefined) ??
      d?.detail ??
      d?.error_description;
    if (typeof m === "string") return m;
  } catch {}
  const t = text.trim();
  return t ? t.slice(0, 200) : undefined;
}
