import { DpError } from "../../../engine/errors.ts";
import type { Batch, ReadContext, StreamSpec } from "../../../engine/ingest/connector.ts";
import { lastRecord } from "../../../engine/ingest/records-text.ts";
import { TextBatch } from "../../../engine/ingest/text-batch.ts";
import { COLUMNS } from "../../hubspot/columns.ts";
import { HUBSPOT_STREAM_NAMES, type DemoConfig } from "../config.ts";
import { DEAL_LEAD } from "../deal-plans.ts";
import { MAX_BATCH } from "../timeline.ts";
import { makeWorld, type World } from "../world.ts";
import { SpilledRecords } from "../spilled.ts";
import { customerCrm, type CustomerCrm, type Dated } from "./hubspot-crm.ts";
import { accountRecord, ownerRecords, pipelineRecords } from "./hubspot-portal.ts";

/**
 * The demo company's CRM as the hubspot connector lands a real portal: the same stream names,
 * the same pinned columns and types (connectors/hubspot/columns.ts), the same record shapes
 * (properties as HubSpot's strings, deal history newest first, inline deal→company associations,
 * deleted deals as archived records), drawn from the same seeded world as the other streams.
 */
export const HUBSPOT_STREAMS = HUBSPOT_STREAM_NAMES;
export type HubspotStream = (typeof HUBSPOT_STREAMS)[number];

const OBJECT_STREAMS: readonly string[] = ["contacts", "companies", "deals"];

const DESCRIPTIONS: Record<HubspotStream, string> = {
  contacts: "HubSpot contacts of the demo's customers and prospects (properties as JSON)",
  companies: "HubSpot companies: the demo's customers (most by domain, some by stripe_customer_id) and prospects",
  deals: "HubSpot deals in two pipelines with their stage/amount/owner history and companies; deleted ones archived",
  pipelines: "HubSpot deal pipelines: the default one and an enterprise one whose won stage is not closedwon",
  owners: "HubSpot owners: the sales reps, one of whom left (archived)",
  account: "The HubSpot portal: a single-currency USD account (company currency USD, no additional currencies)",
};

export function hubspotSpecs(names: readonly string[] | undefined): StreamSpec[] {
  const unknown = (names ?? []).filter((n) => !(HUBSPOT_STREAMS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new DpError("CONFIG", `the demo's hubspot dataset has no stream ${unknown.map((n) => `"${n}"`).join(", ")}`, {
      fix: `use some of: ${HUBSPOT_STREAMS.join(", ")} (or drop \`dataset: hubspot\` for the classic streams)`,
    });
  }
  return (names ?? HUBSPOT_STREAMS).map((name) => ({
    name,
    primaryKey: name === "account" ? ["portalId"] : ["id"],
    ...(OBJECT_STREAMS.includes(name) ? { cursorField: "updatedAt" } : {}),
    columns: COLUMNS[name as HubspotStream],
    description: DESCRIPTIONS[name as HubspotStream],
  }));
}

/**
 * One stream. Objects: those changed after the cursor (less lookback) as they stand now, in
 * change order, the cursor committed with the last of them; then, every pull, the deleted ones
 * (as the connector lists `archived=true`). Pipelines, owners and the account: whole, every pull.
 */
export async function* readHubspot(config: DemoConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const name = ctx.stream.name;
  const world = makeWorld(config, ctx.now);
  if (name === "pipelines") return yield { records: pipelineRecords(world) };
  if (name === "owners") return yield { records: ownerRecords(world) };
  if (name === "account") return yield { records: [accountRecord()] };
  if (!OBJECT_STREAMS.includes(name)) {
    throw new DpError("CONFIG", `the demo's hubspot dataset has no stream "${name}"`, {
      fix: `use some of: ${HUBSPOT_STREAMS.join(", ")}`,
    });
  }
  const cursor = ctx.state?.cursor;
  const after = typeof cursor === "string" ? Date.parse(cursor) - ctx.lookbackMs : Number.NEGATIVE_INFINITY;
  // a stream's records as they stand now, in change order: kept in a file while sorted, not in the heap
  // (a 100k-customer portal's deals are ≈350 MB of JSON)
  const live = new SpilledRecords();
  const archived = new SpilledRecords();
  try {
    for (const d of everyRecord(world, name as keyof CustomerCrm)) {
      if (d.record.archived) archived.add(d.record, 0, 0);
      else if (d.t > after) live.add(d.record, d.t, Number(d.record.id));
    }
    let rows = 0;
    // as JSON lines, which the lake writer spools as they are: a batch is never parsed back into records
    for (const text of live.sorted(MAX_BATCH)) {
      rows += text.count;
      ctx.progress?.({ records: rows });
      const state = rows === live.count ? { cursor: lastRecord(text)!.updatedAt as string } : undefined;
      yield new TextBatch(text, state);
    }
    for (const text of archived.inOrder(MAX_BATCH)) yield new TextBatch(text);
  } finally {
    live.close();
    archived.close();
  }
}

/** Every customer (and prospect) whose first deal or company could exist by now, in index order. */
function* everyRecord(world: World, type: keyof CustomerCrm): Generator<Dated> {
  for (let index = 0; ; index++) {
    const signupAt = world.signupAt(index);
    if (signupAt - DEAL_LEAD > world.now) return;
    yield* customerCrm(world, index, signupAt, type)[type];
  }
}
