import type { FakeResponse } from "../faults.ts";
import { notFound } from "./errors.ts";
import type { HubspotType, Pipeline, PropertyDefinition } from "./types.ts";
import { modifiedProperty } from "./types.ts";

/** What list, read and search return when the request names no properties (HubSpot's object guides, not the spec). */
export const DEFAULT_PROPERTIES: Record<HubspotType, string[]> = {
  contacts: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  companies: ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
  deals: [
    "amount",
    "closedate",
    "createdate",
    "dealname",
    "dealstage",
    "hs_lastmodifieddate",
    "hs_object_id",
    "pipeline",
  ],
};

/** Returned on every record whatever `properties=` asks for. */
export function alwaysReturned(type: HubspotType): string[] {
  return ["createdate", "hs_object_id", modifiedProperty(type)];
}

type Row = [
  name: string,
  label: string,
  type: PropertyDefinition["type"],
  group: string,
  flags?: "calculated" | "custom",
];

const COMMON: Row[] = [
  ["createdate", "Create Date", "datetime", "system", "calculated"],
  ["hs_object_id", "Record ID", "number", "system", "calculated"],
  ["hubspot_owner_id", "Owner", "enumeration", "system"],
];

const ROWS: Record<HubspotType, Row[]> = {
  contacts: [
    ["email", "Email", "string", "contactinformation"],
    ["firstname", "First Name", "string", "contactinformation"],
    ["lastname", "Last Name", "string", "contactinformation"],
    ["company", "Company Name", "string", "contactinformation"],
    ["lifecyclestage", "Lifecycle Stage", "enumeration", "contactinformation"],
    // set by HubSpot to the contact's primary company
    ["associatedcompanyid", "Primary Associated Company ID", "number", "contactinformation", "calculated"],
    ["lastmodifieddate", "Last Modified Date", "datetime", "contactinformation", "calculated"],
  ],
  companies: [
    ["name", "Company name", "string", "companyinformation"],
    ["domain", "Company Domain Name", "string", "companyinformation"],
    ["industry", "Industry", "enumeration", "companyinformation"],
    ["city", "City", "string", "companyinformation"],
    ["country", "Country/Region", "string", "companyinformation"],
    ["numberofemployees", "Number of Employees", "number", "companyinformation"],
    ["lifecyclestage", "Lifecycle Stage", "enumeration", "companyinformation"],
    ["hs_lastmodifieddate", "Last Modified Date", "datetime", "companyinformation", "calculated"],
  ],
  deals: [
    ["dealname", "Deal Name", "string", "dealinformation"],
    ["amount", "Amount", "number", "dealinformation"],
    ["dealstage", "Deal Stage", "enumeration", "dealinformation"],
    ["pipeline", "Pipeline", "enumeration", "dealinformation"],
    ["closedate", "Close Date", "datetime", "dealinformation"],
    ["dealtype", "Deal Type", "enumeration", "dealinformation"],
    ["deal_currency_code", "Currency", "enumeration", "dealinformation"],
    ["closed_lost_reason", "Closed Lost Reason", "string", "dealinformation"],
    ["hs_is_closed", "Is Deal Closed?", "bool", "dealinformation", "calculated"],
    ["hs_is_closed_won", "Is Closed Won", "bool", "dealinformation", "calculated"],
    ["hs_deal_stage_probability", "Deal probability", "number", "dealinformation", "calculated"],
    ["hs_lastmodifieddate", "Last Modified Date", "datetime", "dealinformation", "calculated"],
  ],
};

/** `hs_date_entered_<stageId>` / `hs_date_exited_<stageId>`: HubSpot adds a pair per deal stage. */
function stageDateRows(pipelines: Pipeline[]): Row[] {
  return pipelines.flatMap((p) =>
    p.stages.flatMap((s): Row[] => [
      [`hs_date_entered_${s.id}`, `Date entered "${s.label} (${p.label})"`, "datetime", "dealstages", "calculated"],
      [`hs_date_exited_${s.id}`, `Date exited "${s.label} (${p.label})"`, "datetime", "dealstages", "calculated"],
    ]),
  );
}

const FIELD: Record<PropertyDefinition["type"], string> = {
  string: "text",
  number: "number",
  datetime: "date",
  date: "date",
  enumeration: "select",
  bool: "booleancheckbox",
};

function definition(
  [name, label, type, groupName, flags]: Row,
  i: number,
  options: PropertyDefinition["options"],
): PropertyDefinition {
  const custom = flags === "custom";
  return {
    name,
    label,
    type,
    fieldType: FIELD[type],
    groupName,
    description: "",
    options,
    displayOrder: custom ? -1 : i,
    calculated: flags === "calculated",
    externalOptions: name === "hubspot_owner_id",
    hasUniqueValue: name === "hs_object_id",
    hidden: false,
    formField: !flags,
    ...(custom ? {} : { hubspotDefined: true }),
    modificationMetadata: { archivable: custom, readOnlyDefinition: !custom, readOnlyValue: flags === "calculated" },
    createdAt: "2019-08-06T02:41:52.000Z",
    updatedAt: "2019-08-06T02:41:52.000Z",
    archived: false,
  };
}

function optionsFor(type: HubspotType, name: string, pipelines: Pipeline[]): PropertyDefinition["options"] {
  if (type === "deals" && name === "pipeline")
    return pipelines.map((p, i) => ({ label: p.label, value: p.id, displayOrder: i, hidden: false }));
  if (type === "deals" && name === "dealstage") {
    return pipelines.flatMap((p) =>
      p.stages.map((s) => ({ label: s.label, value: s.id, displayOrder: s.displayOrder, hidden: false })),
    );
  }
  return [];
}

const CUSTOM_GROUP: Record<HubspotType, string> = {
  contacts: "contactinformation",
  companies: "companyinformation",
  deals: "dealinformation",
};

/** A portal admin's custom property (e.g. a company's `stripe_customer_id`). */
export type CustomProperty = { name: string; label: string; type: PropertyDefinition["type"] };

/** `GET /crm/v3/properties/{type}`: the built-in properties, stage dates, then the portal's custom ones. */
export function propertyDefinitions(
  type: HubspotType,
  pipelines: Pipeline[],
  custom: CustomProperty[] = [],
): PropertyDefinition[] {
  const rows: Row[] = [...COMMON, ...ROWS[type], ...(type === "deals" ? stageDateRows(pipelines) : [])];
  rows.push(...custom.map((c): Row => [c.name, c.label, c.type, CUSTOM_GROUP[type], "custom"]));
  return rows.map((row, i) => definition(row, i, optionsFor(type, row[0], pipelines)));
}

/** `GET /crm/v3/properties/{type}[/{name}]` — `CollectionResponsePropertyNoPaging` or one `Property` */
export function propertiesApi(definitions: PropertyDefinition[], name: string | undefined): FakeResponse {
  if (!name) return { body: { results: definitions } };
  const found = definitions.find((d) => d.name === name);
  return found ? { body: found } : notFound(`property ${name}`);
}
