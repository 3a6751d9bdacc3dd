import type { AuthParts } from "./types.ts";

export function bearerAuth(opts: { token: string }): AuthParts {
  return {
    headers: { authorization: `Bearer ${opts.token}` },
    query: {},
    credentialKey: "authentication.token",
    credential: opts.token,
    secrets: [],
  };
}
