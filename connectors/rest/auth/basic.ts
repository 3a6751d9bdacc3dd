import type { AuthParts } from "./types.ts";

export function basicAuth(opts: { username: string; password: string }): AuthParts {
  const encoded = Buffer.from(`${opts.username}:${opts.password}`).toString("base64");
  return {
    headers: { authorization: `Basic ${encoded}` },
    query: {},
    credentialKey: "authentication.password",
    credential: opts.password,
    secrets: [encoded],
  };
}
