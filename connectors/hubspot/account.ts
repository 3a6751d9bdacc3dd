import { DpError } from "../../engine/errors.ts";
import type { Batch, RawRecord, ReadContext } from "../../engine/ingest/connector.ts";
import { HttpAuthError, type HttpClient } from "../http/client.ts";
import { COLUMNS } from "./columns.ts";
import { requiredScopes } from "./denied.ts";

export const ACCOUNT_PATH = "/account-info/v3/details";

/**
 * The scope HubSpot's docs list for the account details (the spec's security is `oauth2: [oauth]`). A
 * private app created with only the CRM read scopes may lack it.
 */
export const ACCOUNT_SCOPE = "oauth";

/**
 * `GET /account-info/v3/details`: one row, the portal (id, time zone, company currency, additional
 * currencies), each field of `COLUMNS.account` and no other, so a portal that sends more (portalName,
 * createdAt) lands the same columns as the spec says. The pack reads the company currency for deals that
 * carry no deal_currency_code. It is a setting, not data: a refused or failed call lands nothing for this
 * stream and says why (and which scope to add) instead of failing the pull; the marts then fall back to
 * vars.hubspot_company_currency.
 */
export async function* readAccount(client: HttpClient, ctx: ReadContext): AsyncGenerator<Batch> {
  let data: unknown;
  try {
    const res = await client.get(ACCOUNT_PATH);
    client.page(1, res.url);
    data = res.data;
  } catch (e) {
    // an interrupted pull, or credentials HubSpot does not know (401: every stream fails alike), still fail
    if (!(e instanceof DpError) || ctx.signal?.aborted || (e instanceof HttpAuthError && e.status === 401)) throw e;
    ctx.log.warn(skipped(e, ctx));
    return;
  }
  const record = portal(data);
  if (!record) {
    ctx.log.warn(
      `${ACCOUNT_PATH} answered without a portalId (${JSON.stringify(data ?? null).slice(0, 120)}); nothing landed, deals without deal_currency_code use vars.hubspot_company_currency`,
    );
    return;
  }
  yield { records: [record] };
}

function portal(data: unknown): RawRecord | undefined {
  if (!data || typeof data !== "object" || Array.isArray(data)) return undefined;
  const body = data as RawRecord;
  if (body.portalId === undefined || body.portalId === null) return undefined;
  return Object.fromEntries(Object.keys(COLUMNS.account).map((k) => [k, body[k] ?? null]));
}

function skipped(e: DpError, ctx: ReadContext): string {
  const fallback = 'deals without deal_currency_code use vars.hubspot_company_currency, else "(unknown currency)"';
  if (e instanceof HttpAuthError && e.status === 403) {
    // the scope HubSpot's answer names (denied.ts reads it for every stream), else the one its docs list
    const scope = requiredScopes(e.json())[0] ?? ACCOUNT_SCOPE;
    return `no access to ${ACCOUNT_PATH} (403); nothing landed. Add the \`${scope}\` scope to the HubSpot private app behind sources.${ctx.source}.config.access_token to land the portal's company currency; until then ${fallback}`;
  }
  return `${ACCOUNT_PATH} failed (${e.message}); nothing landed this pull, ${fallback}`;
}
