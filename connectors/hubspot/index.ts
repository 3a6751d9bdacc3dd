import { defineConnector, type Batch, type ReadContext, type StreamSpec } from "../../engine/ingest/connector.ts";
import { HttpClient } from "../http/client.ts";
import { readAccount } from "./account.ts";
import { deniedStream } from "./denied.ts";
import { COLUMNS } from "./columns.ts";
import { hubspotConfig, OBJECT_TYPES, type HubspotConfig, type StreamName } from "./config.ts";
import { readObjects } from "./objects.ts";
import { readOwners } from "./owners.ts";
import { readPipelines } from "./pipelines.ts";

export { modifiedProperty, type HubspotConfig } from "./config.ts";

const DESCRIPTIONS: Record<StreamName, string> = {
  contacts: "HubSpot CRM contacts (properties as JSON; deleted ones with archived = true)",
  companies: "HubSpot CRM companies (properties as JSON, custom ones included; deleted ones with archived = true)",
  deals: "HubSpot CRM deals with the history of stage, pipeline, amount, close date and owner, and their companies",
  pipelines: "HubSpot deal pipelines with their stages (label, order, isClosed, probability)",
  owners: "HubSpot owners, the ones who left (archived) included",
  account:
    "The HubSpot portal: id, time zone, company currency (the currency of deals without deal_currency_code), additional currencies",
};

export const hubspot = defineConnector<HubspotConfig>({
  name: "hubspot",
  description:
    "HubSpot CRM v3: contacts, companies, deals (with property history and companies), deal pipelines, owners, the account's currencies; incremental by last-modified date through search",
  config: hubspotConfig,
  secretKeys: ["access_token"],
  streams: (config) =>
    [...new Set(config.streams)].map(
      (name): StreamSpec => ({
        name,
        primaryKey: name === "account" ? ["portalId"] : ["id"],
        // pipelines, owners and the account are a few rows: landed whole every pull
        ...((OBJECT_TYPES as readonly string[]).includes(name) ? { cursorField: "updatedAt" } : {}),
        columns: COLUMNS[name],
        description: DESCRIPTIONS[name],
      }),
    ),
  read: readStream,
});

function readStream(config: HubspotConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const client = new HttpClient(ctx, {
    label: "hubspot",
    baseUrl: config.base_url,
    headers: { authorization: `Bearer ${config.access_token}` },
    timeoutMs: config.timeout_seconds * 1000,
    credential: { key: "access_token", value: config.access_token },
  });
  const name = ctx.stream.name as StreamName;
  if (name === "pipelines") return scoped(readPipelines(client, ctx), ctx);
  if (name === "owners") return scoped(readOwners(client, ctx), ctx);
  if (name === "account") return readAccount(client, ctx);
  return scoped(readObjects(client, config, ctx), ctx);
}

/** A 403 reading the stream says which scope the token lacks (the pull decides whether the stream may go without). */
async function* scoped(batches: AsyncGenerator<Batch>, ctx: ReadContext): AsyncGenerator<Batch> {
  try {
    yield* batches;
  } catch (e) {
    throw deniedStream(e, ctx);
  }
}
