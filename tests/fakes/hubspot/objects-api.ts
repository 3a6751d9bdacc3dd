import type { FakeResponse, RecordedRequest } from "../faults.ts";
import { inlineAssociations } from "./associations.ts";
import { invalid, notFound } from "./errors.ts";
import { alwaysReturned, DEFAULT_PROPERTIES } from "./properties.ts";
import type { CrmStore } from "./store.ts";
import { objectType, type HubspotType, type StoredObject } from "./types.ts";

/**
 * The spec: history "will reduce the maximum number of objects that can be read by a single
 * request"; HubSpot's guide puts it at 50. The page is cut, not refused.
 */
export const HISTORY_PAGE_LIMIT = 50;

export interface Shape {
  properties?: string[];
  history?: string[];
  associations?: HubspotType[];
}

/** `properties=a,b` and `properties=a&properties=b` (the spec's `style: form, explode: true`) both work. */
export function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const all = query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  return all.length ? all : undefined;
}

/**
 * A record as HubSpot returns it. Asked-for properties the type does not have are ignored;
 * properties it has but the record never set come back null; a few always come back.
 */
export function render(
  store: CrmStore,
  type: HubspotType,
  o: StoredObject,
  shape: Shape,
  values: Record<string, string | null> = o.properties,
) {
  const known = store.known(type);
  const names = shape.properties
    ? [...shape.properties.filter((n) => known.has(n)), ...alwaysReturned(type)]
    : DEFAULT_PROPERTIES[type];
  const properties: Record<string, string | null> = {};
  for (const n of new Set(names)) properties[n] = values[n] ?? null;
  const out: Record<string, unknown> = { id: o.id, properties };
  if (shape.history) {
    // newest first, as HubSpot lists them
    out.propertiesWithHistory = Object.fromEntries(
      shape.history.filter((n) => known.has(n)).map((n) => [n, [...(o.history[n] ?? [])].reverse()]),
    );
  }
  Object.assign(out, { createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived });
  if (o.archivedAt) out.archivedAt = o.archivedAt;
  if (shape.associations) {
    const associations = inlineAssociations(store, type, o.id, shape.associations);
    if (Object.keys(associations).length) out.associations = associations;
  }
  return out;
}

function shapeOf(query: URLSearchParams): Shape | string {
  const associations = listParam(query, "associations")?.map((a) => objectType(a));
  if (associations?.includes(undefined))
    return `Unknown object type in associations: ${query.getAll("associations").join(",")}`;
  return {
    properties: listParam(query, "properties"),
    history: listParam(query, "propertiesWithHistory"),
    associations: associations as HubspotType[] | undefined,
  };
}

/**
 * `GET /crm/v3/objects/{type}`: id order, `limit` ≤ 100 (≤ 50 served with history), `after` the
 * next record's id, and either the live records or (`archived=true`) only the deleted ones.
 */
export function listObjects(store: CrmStore, type: HubspotType, req: RecordedRequest, baseUrl: string): FakeResponse {
  const limit = Number(req.query.get("limit") ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid("limit must be between 1 and 100");
  const shape = shapeOf(req.query);
  if (typeof shape === "string") return invalid(shape);
  const served = shape.history ? Math.min(limit, HISTORY_PAGE_LIMIT) : limit;
  const archived = req.query.get("archived") === "true";
  const rows = store.objects[type].filter((o) => o.archived === archived).sort((a, b) => Number(a.id) - Number(b.id));
  const after = req.query.get("after");
  if (after !== null && !/^\d+$/.test(after)) return invalid(`Invalid after: ${after}`);
  const start = after ? rows.findIndex((o) => Number(o.id) >= Number(after)) : 0;
  const page = start < 0 ? [] : rows.slice(start, start + served);
  const next = start >= 0 ? rows[start + served] : undefined;
  return {
    body: {
      results: page.map((o) => render(store, type, o, shape)),
      ...(next ? { paging: { next: { after: next.id, link: `${baseUrl}${req.path}?after=${next.id}` } } } : {}),
    },
  };
}

/** `GET /crm/v3/objects/{type}/{id}`: one record, live unless `archived=true`. */
export function readObject(store: CrmStore, type: HubspotType, id: string, req: RecordedRequest): FakeResponse {
  const shape = shapeOf(req.query);
  if (typeof shape === "string") return invalid(shape);
  const o = store.find(type, id);
  if (!o || o.archived !== (req.query.get("archived") === "true")) return notFound(`${type} ${id}`);
  return { body: render(store, type, o, shape) };
}
