import { DpError } from "../../engine/errors.ts";
import type { ReadContext } from "../../engine/ingest/connector.ts";
import type { HttpClient } from "../http/client.ts";
import { modifiedProperty, type HubspotConfig, type ObjectType } from "./config.ts";

/**
 * What the model pack reads, asked for on every pull: HubSpot returns only a handful of default
 * properties otherwise (no owner, no close date on contacts' companies, no custom ids).
 */
export const PACK_PROPERTIES: Record<ObjectType, string[]> = {
  contacts: [
    "email",
    "firstname",
    "lastname",
    "company",
    "jobtitle",
    "lifecyclestage",
    "hubspot_owner_id",
    // HubSpot mirrors a contact's primary company here; search returns it, unlike associations
    "associatedcompanyid",
    "createdate",
  ],
  companies: [
    "name",
    "domain",
    "website",
    "industry",
    "country",
    "city",
    "numberofemployees",
    "annualrevenue",
    "lifecyclestage",
    "hubspot_owner_id",
    "createdate",
  ],
  deals: [
    "dealname",
    "amount",
    "deal_currency_code",
    "dealstage",
    "pipeline",
    "closedate",
    "createdate",
    "hubspot_owner_id",
    "dealtype",
    "closed_lost_reason",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_deal_stage_probability",
  ],
};

/**
 * HubSpot answers a GET whose query is too long with 414; tools that request every property keep
 * the list under about 15,000 characters. Discovered properties past this budget are left out.
 */
const QUERY_BUDGET = 12_000;

interface PropertyDefinition {
  name?: unknown;
  hubspotDefined?: unknown;
  archived?: unknown;
}

/**
 * The properties one object type is read with: the pack's, the config's, and (unless turned off)
 * every custom property the portal defines plus the deals' "date entered stage" properties, as
 * `GET /crm/v3/properties/{type}` lists them. Names the portal does not define are dropped (and
 * named in the log). Without the schema scope the pull goes on with the pack's and the config's.
 */
export async function propertiesFor(
  client: HttpClient,
  type: ObjectType,
  config: HubspotConfig,
  ctx: ReadContext,
): Promise<string[]> {
  const wanted = [...PACK_PROPERTIES[type], ...(config.properties?.[type] ?? []), modifiedProperty(type)];
  const defined = await definitions(client, type, ctx);
  if (!defined) return [...new Set(wanted)];
  const names = new Set(defined.map((d) => d.name));
  const unknown = (config.properties?.[type] ?? []).filter((n) => !names.has(n));
  if (unknown.length) ctx.log.warn(`${type}: the portal defines no ${unknown.join(", ")}; not requested`);
  const chosen = new Set(wanted.filter((n) => names.has(n)));
  if (config.custom_properties) {
    const extra = defined
      .filter((d) => !d.hubspotDefined || (type === "deals" && d.name.startsWith("hs_date_entered_")))
      .map((d) => d.name)
      .filter((n) => !chosen.has(n));
    let length = [...chosen].join(",").length;
    const dropped: string[] = [];
    for (const n of extra) {
      if (length + n.length + 1 > QUERY_BUDGET) dropped.push(n);
      else {
        chosen.add(n);
        length += n.length + 1;
      }
    }
    if (dropped.length)
      ctx.log.warn(
        `${type}: ${dropped.length} custom properties left out to keep the request under HubSpot's URL limit (first: ${dropped[0]}); name the ones you need in sources.${ctx.source}.config.properties.${type}`,
      );
  }
  return [...chosen];
}

async function definitions(
  client: HttpClient,
  type: ObjectType,
  ctx: ReadContext,
): Promise<{ name: string; hubspotDefined: boolean }[] | undefined> {
  try {
    const res = await client.get<{ results?: PropertyDefinition[] }>(`/crm/v3/properties/${type}`);
    const results = res.data?.results;
    if (!Array.isArray(results)) {
      ctx.log.warn(`${type}: the property definitions were not a list; reading the pack's properties only`);
      return undefined;
    }
    return results
      .filter((d) => typeof d?.name === "string" && d.archived !== true)
      .map((d) => ({ name: d.name as string, hubspotDefined: d.hubspotDefined === true }));
  } catch (e) {
    // a private app without crm.schemas.*.read still reads records
    if (e instanceof DpError && e.code === "SOURCE_AUTH" && / 403\b|\(403\)/.test(e.message)) {
      ctx.log.warn(`${type}: no access to property definitions (403); reading the pack's properties only`);
      return undefined;
    }
    throw e;
  }
}
