import { StreamAccessDenied, type ReadContext } from "../../engine/ingest/connector.ts";
import { HttpAuthError } from "../http/client.ts";

/**
 * A 403 from HubSpot while reading one stream, as the stream being out of the token's reach, naming the scope
 * HubSpot says is missing. A private app without the scope answers (Error schema of the public API specs):
 * `{ status: "error", category: "MISSING_SCOPES", message, errors: [{ context: { requiredGranularScopes: [...] } }] }`;
 * older answers say "... does not have proper permissions! (requires any of [scope, ...])". Anything else (a 401,
 * another status, an error that is not HTTP) is returned as it is.
 */
export function deniedStream(e: unknown, ctx: ReadContext): unknown {
  if (!(e instanceof HttpAuthError) || e.status !== 403) return e;
  const scopes = requiredScopes(e.json());
  const where = `sources.${ctx.source}.config.access_token`;
  const lacks = scopes.length ? `scope ${scopes.join(" or ")}` : "a scope HubSpot did not name";
  const add =
    scopes.length > 1 ? `one of ${scopes.join(", ")}` : (scopes[0] ?? `the scope reading ${ctx.stream.name} needs`);
  return new StreamAccessDenied(
    ctx.stream.name,
    lacks,
    `add ${add} to the scopes of the HubSpot private app behind ${where} (Settings → Integrations → Private apps → Scopes)`,
    { source: ctx.source, status: 403, where, detail: category(e.json()) },
  );
}

/** The scopes a HubSpot 403 body names as missing (none when it names none). */
export function requiredScopes(body: unknown): string[] {
  const b = body as { errors?: { context?: Record<string, unknown> }[]; message?: unknown } | undefined;
  const named = new Set<string>();
  for (const err of Array.isArray(b?.errors) ? b.errors : []) {
    for (const key of ["requiredGranularScopes", "requiredScopes", "requiredAnyScopes"]) {
      const v = err?.context?.[key];
      if (Array.isArray(v)) for (const s of v) if (typeof s === "string" && s) named.add(s);
    }
  }
  if (!named.size && typeof b?.message === "string") {
    const m = /requires any of \[([^\]]+)\]/.exec(b.message);
    for (const s of m?.[1]?.split(",") ?? []) if (s.trim()) named.add(s.trim());
  }
  return [...named];
}

function category(body: unknown): string | undefined {
  const c = (body as { category?: unknown } | undefined)?.category;
  return typeof c === "string" ? c : undefined;
}
