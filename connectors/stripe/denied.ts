import { StreamAccessDenied, type ReadContext } from "../../engine/ingest/connector.ts";
import { HttpAuthError } from "../http/client.ts";

/**
 * A 403 from Stripe while reading one stream, as the stream being out of the key's reach. A restricted key
 * (`rk_…`) without a resource's permission answers 403 with `error.type = invalid_request_error` and "The
 * provided key 'rk_…' does not have the required permissions for this endpoint on account 'acct_…'. Having the
 * 'rak_refund_read' permission would allow this request to continue." (or, for an endpoint no restricted key may
 * call, "… This is a restricted API key, but the required permissions are not available for use by restricted
 * keys."). Anything else (a 401, another status, an error that is not HTTP) is returned as it is.
 */
export function deniedStream(e: unknown, ctx: ReadContext): unknown {
  if (!(e instanceof HttpAuthError) || e.status !== 403) return e;
  const message = (e.json() as { error?: { message?: unknown } } | undefined)?.error?.message;
  const text = typeof message === "string" ? message : "";
  const permission = /Having the '([A-Za-z0-9_]+)' permission/.exec(text)?.[1];
  const where = `sources.${ctx.source}.config.api_key`;
  const path = ctx.stream.name === "events" ? "/v1/events" : `/v1/${ctx.stream.name}`;
  if (permission) {
    return new StreamAccessDenied(
      ctx.stream.name,
      `permission ${permission}`,
      `give the restricted key behind ${where} the ${permission} permission (Stripe Dashboard → Developers → API keys → edit the key: Read)`,
      { source: ctx.source, status: 403, where },
    );
  }
  return new StreamAccessDenied(
    ctx.stream.name,
    /restricted keys/.test(text)
      ? `a permission restricted keys cannot have (${path})`
      : `the permission ${path} needs`,
    `use a key behind ${where} that may read ${path} (a restricted key with its Read permission, or a secret key)`,
    { source: ctx.source, status: 403, where },
  );
}
