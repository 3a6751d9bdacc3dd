import type { FakeResponse, RecordedRequest } from "../faults.ts";
import { invalid } from "./errors.ts";
import { render } from "./objects-api.ts";
import { DEFAULT_PROPERTIES, propertyDefinitions } from "./properties.ts";
import type { CrmStore } from "./store.ts";
import { modifiedProperty, type HubspotType, type PropertyDefinition, type StoredObject } from "./types.ts";

/** `Filter` (Deals v3 `PublicObjectSearchRequest.filterGroups[].filters[]`) */
interface Filter {
  propertyName: string;
  operator: string;
  value?: string | number;
  highValue?: string | number;
  values?: (string | number)[];
}

type Sort = string | { propertyName: string; direction?: string };

interface SearchRequest {
  filterGroups?: { filters?: Filter[] }[];
  sorts?: Sort[];
  properties?: string[];
  query?: string;
  limit?: number;
  after?: string | number;
}

const OPERATORS = [
  "EQ",
  "NEQ",
  "LT",
  "LTE",
  "GT",
  "GTE",
  "BETWEEN",
  "IN",
  "NOT_IN",
  "HAS_PROPERTY",
  "NOT_HAS_PROPERTY",
  "CONTAINS_TOKEN",
  "NOT_CONTAINS_TOKEN",
];

/**
 * `POST /crm/v3/objects/{type}/search`: filter groups are ORed, filters in a group ANDed; one
 * sort at most; `limit` ≤ 200; `after` is an offset and paging stops at `cap` (HubSpot: 10,000)
 * with a 400. Search reads its own index, which lags writes when indexing is deferred, and
 * never returns archived records.
 */
export function searchObjects(store: CrmStore, type: HubspotType, req: RecordedRequest, cap: number): FakeResponse {
  const body = (req.body ?? {}) as SearchRequest;
  const limit = body.limit ?? 10;
  if (limit > 200) return invalid("limit must be at most 200");
  const offset = Number(body.after ?? 0);
  if (offset >= cap) return invalid(`Cannot page past ${cap} results for a single query`);
  const defs = new Map(propertyDefinitions(type, store.pipelines, store.custom[type]).map((d) => [d.name, d.type]));
  const problem = checkRequest(body, defs);
  if (problem) return invalid(problem);
  let rows = store.objects[type].filter((o) => !o.archived && o.indexed);
  if (body.filterGroups?.length)
    rows = rows.filter((o) =>
      body.filterGroups!.some((g) => (g.filters ?? []).every((f) => passes(o.indexed!, f, defs))),
    );
  if (body.query)
    rows = rows.filter((o) =>
      DEFAULT_PROPERTIES[type].some((p) => o.indexed![p]?.toLowerCase().includes(body.query!.toLowerCase())),
    );
  rows = sortRows(rows, body.sorts?.[0], defs);
  const page = rows.slice(offset, offset + limit);
  const more = offset + limit < rows.length;
  const results = page.map((o) => ({
    ...render(store, type, o, { properties: body.properties?.length ? body.properties : undefined }, o.indexed),
    updatedAt: o.indexed![modifiedProperty(type)],
  }));
  return {
    body: { total: rows.length, results, ...(more ? { paging: { next: { after: String(offset + limit) } } } : {}) },
  };
}

function checkRequest(body: SearchRequest, defs: Map<string, PropertyDefinition["type"]>): string | undefined {
  const filters = (body.filterGroups ?? []).flatMap((g) => g.filters ?? []);
  // the spec allows up to 6 groups; HubSpot's guide caps all groups together at 18 filters
  if ((body.filterGroups?.length ?? 0) > 6 || filters.length > 18)
    return "Too many filters: at most 6 filterGroups and 18 filters in total";
  if ((body.sorts?.length ?? 0) > 1) return "Only one sort is allowed";
  for (const f of filters) {
    if (!OPERATORS.includes(f.operator)) return `Invalid operator ${f.operator}`;
    if (!defs.has(f.propertyName)) return `Unable to find property ${f.propertyName}`;
  }
  for (const s of body.sorts ?? []) if (!defs.has(sortName(s))) return `Unable to find property ${sortName(s)}`;
  return undefined;
}

const sortName = (s: Sort) => (typeof s === "string" ? s.replace(/^-/, "") : s.propertyName);

/** Datetimes compare as epoch ms (filters may send ms or ISO), numbers as numbers, the rest case-insensitively. */
function comparable(type: PropertyDefinition["type"] | undefined, v: string | number): number | string {
  const s = String(v);
  if (type === "datetime" || type === "date") return /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (type === "number") return Number(s);
  return s.toLowerCase();
}

function passes(
  values: Record<string, string | null>,
  f: Filter,
  defs: Map<string, PropertyDefinition["type"]>,
): boolean {
  const raw = values[f.propertyName];
  const has = raw !== null && raw !== undefined && raw !== "";
  if (f.operator === "HAS_PROPERTY") return has;
  if (f.operator === "NOT_HAS_PROPERTY") return !has;
  if (!has) return false;
  const type = defs.get(f.propertyName);
  const a = comparable(type, raw);
  const b = comparable(type, f.value ?? "");
  const list = (f.values ?? []).map((v) => comparable(type, v));
  switch (f.operator) {
    case "EQ":
      return a === b;
    case "NEQ":
      return a !== b;
    case "LT":
      return a < b;
    case "LTE":
      return a <= b;
    case "GT":
      return a > b;
    case "GTE":
      return a >= b;
    case "BETWEEN":
      return a >= b && a <= comparable(type, f.highValue ?? "");
    case "IN":
      return list.includes(a);
    case "NOT_IN":
      return !list.includes(a);
    case "CONTAINS_TOKEN":
      return containsToken(raw, String(f.value ?? ""));
    case "NOT_CONTAINS_TOKEN":
      return !containsToken(raw, String(f.value ?? ""));
    default:
      return false;
  }
}

/** A token (`*` wildcards allowed) equal to one word of the value. */
function containsToken(value: string, token: string): boolean {
  const pattern = new RegExp(
    `^${token
      .toLowerCase()
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return value
    .toLowerCase()
    .split(/[^a-z0-9@._*-]+/)
    .some((w) => pattern.test(w));
}

/** Creation order unless a sort is given; records without the sort property come first. */
function sortRows(
  rows: StoredObject[],
  sort: Sort | undefined,
  defs: Map<string, PropertyDefinition["type"]>,
): StoredObject[] {
  const byId = [...rows].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id));
  if (!sort) return byId;
  const name = sortName(sort);
  const dir = (typeof sort === "string" ? sort.startsWith("-") : sort.direction === "DESCENDING") ? -1 : 1;
  const key = (o: StoredObject) => {
    const v = o.indexed![name];
    return v === null || v === undefined || v === "" ? undefined : comparable(defs.get(name), v);
  };
  return byId.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return 0;
    if (x === undefined) return -dir;
    if (y === undefined) return dir;
    return x < y ? -dir : dir;
  });
}
