import type { StreamName } from "./config.ts";

/**
 * The landed columns and DuckDB types of every stream, pinned: a record's `properties` differ by
 * portal and by batch (a property null on every record of a small batch would otherwise be typed
 * JSON in one file and TIMESTAMP in the next), so they land as one JSON object of strings, as
 * HubSpot sends them, and staging casts each one explicitly. Fields HubSpot adds later are not
 * landed until they are named here. The demo generator lands exactly these columns.
 */
const OBJECT = {
  id: "VARCHAR",
  properties: "JSON",
  createdAt: "TIMESTAMPTZ",
  updatedAt: "TIMESTAMPTZ",
  archived: "BOOLEAN",
  archivedAt: "TIMESTAMPTZ",
};

export const COLUMNS: Record<StreamName, Record<string, string>> = {
  contacts: OBJECT,
  companies: OBJECT,
  deals: {
    ...OBJECT,
    /** { dealstage: [{ value, timestamp, sourceType, … }, …], … }, newest first */
    propertiesWithHistory: "JSON",
    /** { companies: { results: [{ id, type: "deal_to_company" | "deal_to_company_unlabeled" }] } } */
    associations: "JSON",
  },
  pipelines: {
    id: "VARCHAR",
    label: "VARCHAR",
    displayOrder: "INTEGER",
    /** [{ id, label, displayOrder, metadata: { isClosed, probability }, archived, … }] */
    stages: "JSON",
    createdAt: "TIMESTAMPTZ",
    updatedAt: "TIMESTAMPTZ",
    archived: "BOOLEAN",
  },
  owners: {
    id: "VARCHAR",
    email: "VARCHAR",
    firstName: "VARCHAR",
    lastName: "VARCHAR",
    userId: "BIGINT",
    userIdIncludingInactive: "BIGINT",
    type: "VARCHAR",
    /** [{ id, name, primary }] */
    teams: "JSON",
    createdAt: "TIMESTAMPTZ",
    updatedAt: "TIMESTAMPTZ",
    archived: "BOOLEAN",
  },
  /**
   * `GET /account-info/v3/details` (`PortalInformationResponse`, Account Info v3): one row, the portal,
   * with the spec's required fields only (fields outside the spec, such as portalName, are not landed).
   */
  account: {
    portalId: "BIGINT",
    accountType: "VARCHAR",
    timeZone: "VARCHAR",
    /** ISO code of the portal's company currency: what a deal without deal_currency_code is in */
    companyCurrency: "VARCHAR",
    /** ["EUR", …]: the other currencies deals may be in */
    additionalCurrencies: "JSON",
    utcOffset: "VARCHAR",
    utcOffsetMilliseconds: "BIGINT",
    dataHostingLocation: "VARCHAR",
    uiDomain: "VARCHAR",
  },
};
