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
  /** a 429 without Retry-After is a per-window quota: retry this many times, waiting base·2ⁿ (+ up to base of jitter), capped */
  quota?: { retries: number; baseMs: number; maxMs: number };
}

const baseDelayMs = () => Number(process.env.DP_HTTP_RETRY_BASE_MS ?? 250);
const MAX_DELAY_MS = 30_000;

/**
 * Google's advice for its per-minute quotas: truncated exponential backoff, min(2ⁿ s + random ms, 64 s)
 * (1, 2, 4 … 64 s: eight retries wait over two minutes, so a minute's quota refills before they run out).
 * Scaled with DP_HTTP_RETRY_BASE_MS like every other delay, so tests run it in milliseconds.
 */
export function quotaBackoff(): { quota: NonNullable<RetryFetchOptions["quota"]> } {
  const base = baseDelayMs() * 4;
  return { quota: { retries: 8, baseMs: base, maxMs: base * 64 } };
}

function quotaDelayMs(retry: number, quota: NonNullable<RetryFetchOptions["quota"]>): number {
  return Math.min(quota.maxMs, quota.baseMs * 2 ** (retry - 1) + Math.random() * quota.baseMs);
}

/**
 * JSON over HTTP for delivery (alerts, exports): 429, 408, 5xx and network errors are
 * retried with full-jitter backoff (Retry-After honoured, capped); other 4xx fail at once.
 * The policy itself (statuses, Retry-After, backoff) is engine/ingest/http-retry.ts, shared with sources.
 */
export async function fetchJson<T = unknown>(url: string, options: RetryFetchOptions): Promise<T> {
  const retries = options.retries ?? 4;
  let lastError = "";
  let quotaRetries = 0;
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
    const quota = status === 429 && retryAfterMs === undefined ? options.quota : undefined;
    if (quota ? quotaRetries >= quota.retries : attempt - quotaRetries >= retries) {
      throw new DpError("IO", `${options.label} failed after ${attempt + 1} attempts (${redact(lastError)})`, {
        transient: true,
        fix: `${options.label} is unavailable or rate limiting; the next run retries`,
      });
    }
    if (quota) await Bun.sleep(quotaDelayMs(++quotaRetries, quota));
    else await Bun.sleep(backoffDelayMs(attempt + 1, { maxMs: MAX_DELAY_MS, baseMs: baseDelayMs(), retryAfterMs }));
  }
}
