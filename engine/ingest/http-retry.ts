/**
 * The one HTTP retry policy, shared by the source client (connectors/http/client.ts) and delivery
 * (engine/deliver/retry-fetch.ts): which statuses are worth retrying, how Retry-After is read,
 * and full-jitter exponential backoff. Pure functions; the callers own the loop and the errors.
 */

/** 429 (rate limited), 408 (request timeout) and 5xx are transient; every other 4xx is terminal. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Retry-After as delta-seconds (including 0) or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface BackoffOptions {
  /** delay cap, also applied to a server's Retry-After */
  maxMs: number;
  /** the first retry's upper bound; doubles each attempt */
  baseMs: number;
  /** the server's Retry-After, when it sent one: honoured (capped) instead of the jitter */
  retryAfterMs?: number;
}

/** Wait before retry number `retry` (1 = the first retry): Retry-After if given, else full jitter. */
export function backoffDelayMs(retry: number, { maxMs, baseMs, retryAfterMs }: BackoffOptions): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, maxMs);
  return Math.random() * Math.min(maxMs, baseMs * 2 ** (retry - 1));
}
