import type { FakeResponse } from "../faults.ts";
import { hubspotError } from "./errors.ts";

export interface RateWindow {
  max: number;
  intervalMs: number;
}

/** A free/starter private app: 100 requests per rolling 10 s, 250,000 a day. */
export const PRIVATE_APP_WINDOW: RateWindow = { max: 100, intervalMs: 10_000 };
const DAILY = 250_000;

/**
 * HubSpot's rolling-window limits (developer docs and changelog; the specs only list
 * `x-hubspot-rate-limit-exemptions`). Non-search answers carry the `X-HubSpot-RateLimit-*` headers;
 * the search endpoints have their own per-second limit and send none of those headers, so a
 * client cannot pace searches from them. A 429 has no Retry-After.
 *
 * Off by default (`enforce` unset): the headers are still sent, nothing is refused, so tests
 * that fire hundreds of requests stay fast. `throttleNext(n)` refuses the next n requests
 * whatever the window, for deterministic tests.
 */
export class RateLimiter {
  enforce: RateWindow | undefined;
  enforceSearch: RateWindow | undefined;
  private forced = 0;
  private hits: number[] = [];
  private searchHits: number[] = [];
  private daily = 0;

  throttleNext(n: number): void {
    this.forced += n;
  }

  /** Count one request; a 429 to send instead of the answer, and the headers for the answer. */
  admit(search: boolean, nowMs = Date.now()): { refused?: FakeResponse; headers: Record<string, string> } {
    const window = search ? this.enforceSearch : this.enforce;
    const hits = search ? this.searchHits : this.hits;
    const shown = window ?? PRIVATE_APP_WINDOW;
    while (hits.length && hits[0]! <= nowMs - shown.intervalMs) hits.shift();
    const over = this.forced > 0 || (window !== undefined && hits.length >= window.max);
    if (this.forced > 0) this.forced -= 1;
    if (!over) {
      hits.push(nowMs);
      this.daily += 1;
    }
    const headers = search ? {} : this.headers(shown, hits, nowMs);
    if (!over) return { headers };
    const policy = search ? ["secondly", "SECONDLY"] : ["ten_secondly_rolling", "TEN_SECONDLY_ROLLING"];
    const refused = hubspotError(429, "RATE_LIMITS", `You have reached your ${policy[0]} limit.`, {
      errorType: "RATE_LIMIT",
      policyName: policy[1],
    });
    return {
      refused: {
        ...refused,
        headers: search ? {} : { ...this.headers(shown, hits, nowMs), "X-HubSpot-RateLimit-Remaining": "0" },
      },
      headers,
    };
  }

  private headers(window: RateWindow, hits: number[], nowMs: number): Record<string, string> {
    const secondly = Math.max(1, Math.round((window.max * 1000) / window.intervalMs));
    const used = hits.length;
    const usedThisSecond = hits.filter((t) => t > nowMs - 1000).length;
    return {
      "X-HubSpot-RateLimit-Daily": String(DAILY),
      "X-HubSpot-RateLimit-Daily-Remaining": String(Math.max(0, DAILY - this.daily)),
      "X-HubSpot-RateLimit-Interval-Milliseconds": String(window.intervalMs),
      "X-HubSpot-RateLimit-Max": String(window.max),
      "X-HubSpot-RateLimit-Remaining": String(Math.max(0, window.max - used)),
      "X-HubSpot-RateLimit-Secondly": String(secondly),
      "X-HubSpot-RateLimit-Secondly-Remaining": String(Math.max(0, secondly - usedThisSecond)),
    };
  }
}
