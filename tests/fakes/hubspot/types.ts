/**
 * The shapes HubSpot's CRM APIs return, named after the schemas of HubSpot's public OpenAPI specs
 * (github.com/HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/). Every property
 * value is a string or null: numbers, booleans and timestamps included.
 */

export const HUBSPOT_TYPES = ["contacts", "companies", "deals"] as const;
export type HubspotType = (typeof HUBSPOT_TYPES)[number];

/** Objects can be addressed by name or by objectTypeId (Deals v3 spec paths use `0-3`) */
export const OBJECT_TYPE_IDS: Record<string, HubspotType> = { "0-1": "contacts", "0-2": "companies", "0-3": "deals" };

export function objectType(segment: string): HubspotType | undefined {
  if ((HUBSPOT_TYPES as readonly string[]).includes(segment)) return segment as HubspotType;
  return OBJECT_TYPE_IDS[segment];
}

/** contacts keep the legacy name for their modification timestamp */
export function modifiedProperty(type: string): string {
  return type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
}

/** `SimplePublicObject` (Deals v3): what list, read and search return per record */
export type HubspotObject = {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
};

/** `ValueWithTimestamp` (Deals v3): one entry of `propertiesWithHistory` */
export interface ValueWithTimestamp {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId?: string;
  updatedByUserId?: number;
}

/** A record as the fake keeps it: the public object plus what HubSpot keeps behind it. */
export interface StoredObject extends HubspotObject {
  archivedAt?: string;
  /** every value each property has had, oldest first (HubSpot renders newest first) */
  history: Record<string, ValueWithTimestamp[]>;
  /** what search sees: a copy taken when the record was last indexed (search is eventually consistent) */
  indexed?: Record<string, string | null>;
}

/** `PipelineStage` (Pipelines v3); deal stages carry `metadata.isClosed` and `metadata.probability` as strings */
export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  writePermissions?: string;
}

/** `Pipeline` (Pipelines v3) */
export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** `PublicTeam` and `PublicOwner` (Crm Owners v3) */
export interface PublicTeam {
  id: string;
  name: string;
  primary: boolean;
}

export interface PublicOwner {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  userId?: number;
  userIdIncludingInactive?: number;
  type: "PERSON" | "QUEUE";
  teams?: PublicTeam[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** `Property` (Properties v3), the fields a connector reads */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: "string" | "number" | "datetime" | "date" | "enumeration" | "bool";
  fieldType: string;
  groupName: string;
  description: string;
  options: { label: string; value: string; displayOrder: number; hidden: boolean }[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  /** absent on custom properties */
  hubspotDefined?: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}
