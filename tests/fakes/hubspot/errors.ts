import type { FakeResponse } from "../faults.ts";

/**
 * HubSpot's error body: the spec's `Error` schema (category, correlationId, message, optional
 * errors/context/links) plus the `status: "error"` every real answer carries (not in the spec).
 */
export function hubspotError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): FakeResponse {
  return { status, body: { status: "error", message, correlationId: crypto.randomUUID(), category, ...extra } };
}

export const notFound = (what: string) => hubspotError(404, "OBJECT_NOT_FOUND", `resource not found: ${what}`);
export const invalid = (message: string, extra: Record<string, unknown> = {}) =>
  hubspotError(400, "VALIDATION_ERROR", message, extra);

export function unauthorized(): FakeResponse {
  return hubspotError(
    401,
    "INVALID_AUTHENTICATION",
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
  );
}

/** A private app without the scope an endpoint needs answers 403 MISSING_SCOPES, naming the scope (body as HubSpot's docs show it). */
export function missingScope(scope: string): FakeResponse {
  return hubspotError(
    403,
    "MISSING_SCOPES",
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [
        { message: "One or more of the following scopes are required.", context: { requiredGranularScopes: [scope] } },
      ],
      links: { scopes: "https://developers.hubspot.com/scopes" },
    },
  );
}
