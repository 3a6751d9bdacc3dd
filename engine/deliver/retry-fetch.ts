import { ofetch } from "ofetch";
import { DpError } from "../errors.ts";
import { redact } from "../secrets.ts";
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from "../ingest/http-retry.ts";

export interface RetryFetchOptions {
  /** names the service in errors: "slack", "sheets" */
  label: string;
  method?: "GET" | "POST" | "PUT";
  headers?: Record<string, string>;
  body?: unknown;
  retries?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const baseDelayMs = () => Number(process.env.DP_HTTP_RETRY_BASE_MS ?? 250);
const MAX_DELAY_MS = 30_000;

/**
 * JSON over HTTP for delivery (alerts, exports): 429, 408, 5xx and network errors are
 * retried with full-jitter backoff (Retry-After honoured, capped); other 4xx fail at once.
 * The policy itself (statuses, Retry-After, backoff) is engine/ingest/http-retry.ts, shared with sources.
 */
export async function fetchJson<T = unknown>(url: string, options: RetryFetchOptions): Promise<T> {
  const retries = options.retries ?? 4;
  let lastError = "";
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let retryAfterMs: number | undefined;
    try {
      const res = await ofetch.raw<string, "text">(url, {
        method: options.method ?? (options.body === undefined ? "GET" : "POST"),
        headers: { "content-type": "application/json", ...options.headers },
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === "string"
              ? options.body
              : JSON.stringify(options.body),
        responseType: "text",
        retry: 0,
        timeout: options.timeoutMs ?? 30_000,
        ignoreResponseError: true,
        signal: options.signal,
      });
      status = res.status;
      const text = res._data ?? "";
      if (status < 300) return (text && /^\s*[[{]/.test(text) ? JSON.parse(text) : text) as T;
      lastError = `HTTP ${status}: ${text.slice(0, 300)}`;
      retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      if (!isRetryableStatus(status)) {
        throw new DpError("IO", `${options.label} refused the request (${redact(lastError)})`, {
          where: redact(new URL(url).origin + new URL(url).pathname),
          fix:
            status === 401 || status === 403
              ? `check the ${options.label} credentials and that they have access`
              : `check the ${options.label} configuration`,
        });
      }
    } catch (e) {
      if (e instanceof DpError) throw e;
      if (options.signal?.aborted) throw new DpError("IO", `${options.label}: request aborted`);
      lastError = (e as Error).message;
    }
    if (attempt >= retries) {
      throw new DpError("IO", `${options.label} failed after ${attempt + 1} attempts (${redact(lastError)})`, {
        transient: true,
        fix: `${options.label} is unavailable or rate limiting; the next run retries`,
      });
    }
    await Bun.sleep(backoffDelayMs(attempt + 1, { maxMs: MAX_DELAY_MS, baseMs: baseDelayMs(), retryAfterMs }));
  }
}
