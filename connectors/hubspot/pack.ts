import { embeddedPack } from "../../engine/config/pack.ts";
import sourceText from "./pack/source.yaml" with { type: "text" };

/**
 * The HubSpot model pack: the source block, staging per stream, sales marts with metrics, golden questions.
 * Streams it reads and the columns and DuckDB types the connector lands (connectors/hubspot/columns.ts
 * pins them; the demo generator lands the same):
 *
 * | stream    | columns |
 * |-----------|---------|
 * | contacts  | id VARCHAR, properties JSON, createdAt TIMESTAMPTZ, updatedAt TIMESTAMPTZ, archived BOOLEAN, archivedAt TIMESTAMPTZ |
 * | companies | same as contacts (properties include custom ones such as stripe_customer_id) |
 * | deals     | same + propertiesWithHistory JSON (dealstage, pipeline, amount, closedate, hubspot_owner_id), associations JSON (companies) |
 * | pipelines | id VARCHAR, label VARCHAR, displayOrder INTEGER, stages JSON, createdAt, updatedAt TIMESTAMPTZ, archived BOOLEAN |
 * | owners    | id VARCHAR, email, firstName, lastName VARCHAR, userId, userIdIncludingInactive BIGINT, type VARCHAR, teams JSON, createdAt, updatedAt TIMESTAMPTZ, archived BOOLEAN |
 * | account   | portalId BIGINT, accountType, timeZone, companyCurrency VARCHAR, additionalCurrencies JSON, utcOffset VARCHAR, utcOffsetMilliseconds BIGINT, dataHostingLocation, uiDomain VARCHAR (one row; none without the oauth scope) |
 *
 * Every stream also has `_dp_run_id` VARCHAR and `_dp_loaded_at` TIMESTAMPTZ. Property values are
 * HubSpot's strings inside `properties`; deleted records land with `archived = true`.
 */
export const hubspotPack = () =>
  embeddedPack({
    name: "hubspot",
    connector: "hubspot",
    description:
      "HubSpot CRM: open pipeline as a stock by stage and owner, deals won and lost, win rate, average won deal size, sales cycle",
    source: sourceText as string,
    paths: ["models/staging/hubspot/", "models/marts/sales/", "evals/hubspot.yaml"],
  });
