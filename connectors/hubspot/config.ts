import { z } from "zod";

export const OBJECT_TYPES = ["contacts", "companies", "deals"] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/**
 * CRM objects, plus the deal pipelines (stages and their won/lost metadata), the owners deals point at, and
 * the account (portal) itself: its company currency is the currency of every deal without deal_currency_code.
 */
export const STREAMS = [...OBJECT_TYPES, "pipelines", "owners", "account"] as const;
export type StreamName = (typeof STREAMS)[number];

/** The deal properties whose history rebuilds a past month's open pipeline. */
export const DEAL_HISTORY = ["dealstage", "pipeline", "amount", "closedate", "hubspot_owner_id"];

export const hubspotConfig = z.strictObject({
  /** private-app access token */
  access_token: z.string().min(1),
  streams: z
    .array(z.enum(STREAMS))
    .min(1)
    .default([...STREAMS]),
  base_url: z.url().default("https://api.hubapi.com"),
  /** per object type, properties to fetch besides the ones the model pack needs (properties.ts) */
  properties: z.partialRecord(z.enum(OBJECT_TYPES), z.array(z.string().min(1))).optional(),
  /** also fetch every custom property the portal defines (e.g. a company's `stripe_customer_id`) */
  custom_properties: z.boolean().default(true),
  /** deal properties fetched with their full history (HubSpot serves 50 deals a page with history) */
  deal_history: z.array(z.string().min(1)).default(DEAL_HISTORY),
  /** list deleted (archived) records every pull, so staging can drop them: search never returns them */
  archived: z.boolean().default(true),
  page_size: z.number().int().min(1).max(100).default(100),
  search_page_size: z.number().int().min(1).max(200).default(200),
  /** HubSpot refuses to page one search past 10,000 results; the pull re-anchors before that */
  search_cap: z.number().int().min(1).default(10_000),
  /**
   * Search returns no history, so an incremental pull reads each changed deal again with its
   * history; past this many changed deals it lists every deal with history instead.
   */
  reread_limit: z.number().int().min(0).default(500),
  timeout_seconds: z.number().positive().default(30),
});

export type HubspotConfig = z.infer<typeof hubspotConfig>;

/** contacts keep the legacy name for their last-modified property */
export function modifiedProperty(type: ObjectType): string {
  return type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
}
