import type { AuthParts } from "./types.ts";

/** An API key in a named header (X-API-Key) or query parameter (?api_key=). */
export function apiKeyAuth(opts: { name: string; api_key: string; location: "header" | "query" }): AuthParts {
  const slot = { [opts.name]: opts.api_key };
  return {
    headers: opts.location === "header" ? slot : {},
    query: opts.location === "query" ? slot : {},
    credentialKey: "authentication.api_key",
    credential: opts.api_key,
    secrets: [encodeURIComponent(opts.api_key)],
  };
}
