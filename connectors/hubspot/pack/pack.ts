/**
 * The HubSpot model pack: the files `dp add hubspot` copies into a project. Streams it reads and
 * the columns and DuckDB types the connector lands (connectors/hubspot/columns.ts pins them; the
 * demo generator lands the same):
 *
 * | stream    | columns |
 * |-----------|---------|
 * | contacts  | id VARCHAR, properties JSON, createdAt TIMESTAMPTZ, updatedAt TIMESTAMPTZ, archived BOOLEAN, archivedAt TIMESTAMPTZ |
 * | companies | same as contacts (properties include custom ones such as stripe_customer_id) |
 * | deals     | same + propertiesWithHistory JSON (dealstage, pipeline, amount, closedate, hubspot_owner_id), associations JSON (companies) |
 * | pipelines | id VARCHAR, label VARCHAR, displayOrder INTEGER, stages JSON, createdAt, updatedAt TIMESTAMPTZ, archived BOOLEAN |
 * | owners    | id VARCHAR, email, firstName, lastName VARCHAR, userId, userIdIncludingInactive BIGINT, type VARCHAR, teams JSON, createdAt, updatedAt TIMESTAMPTZ, archived BOOLEAN |
 *
 * Every stream also has `_dp_run_id` VARCHAR and `_dp_loaded_at` TIMESTAMPTZ. Property values are
 * HubSpot's strings inside `properties`; deleted records land with `archived = true`.
 */
const dir = "connectors/hubspot/pack";

export const hubspotPack = {
  name: "hubspot",
  connector: "hubspot",
  description:
    "HubSpot CRM: deals with pipelines, stage history and owners → open pipeline as a stock by stage and owner, deals won and lost, win rate, average won deal size, sales cycle",
  sourceBlock: `${dir}/source.yaml`,
  files: [
    ...[
      "stg_hubspot__companies",
      "stg_hubspot__contacts",
      "stg_hubspot__deals",
      "stg_hubspot__deal_companies",
      "stg_hubspot__deal_property_history",
      "stg_hubspot__owners",
      "stg_hubspot__pipelines",
      "stg_hubspot__pipeline_stages",
    ].map((m) => `${dir}/models/staging/hubspot/${m}.sql`),
    `${dir}/models/staging/hubspot/hubspot.yml`,
    ...["deals", "pipeline_monthly", "deals_closed_monthly"].map((m) => `${dir}/models/marts/sales/${m}.sql`),
    `${dir}/models/marts/sales/sales.yml`,
  ],
  evals: [`${dir}/evals/hubspot.yaml`],
};
