import type { FakeResponse, RecordedRequest } from "../faults.ts";
import { invalid, notFound } from "./errors.ts";
import type { CrmStore } from "./store.ts";
import { objectType, type HubspotType } from "./types.ts";

const SINGULAR: Record<HubspotType, string> = { contacts: "contact", companies: "company", deals: "deal" };

/**
 * HUBSPOT_DEFINED association type ids per direction: [primary, unlabeled] (HubSpot's
 * associations guide; the spec has the shapes, not the ids). A record's primary
 * company is linked twice — once as "Primary" and once unlabeled — so a reader that does not
 * dedupe by id counts the company twice.
 */
const TYPE_IDS: Record<string, [primary: number | undefined, unlabeled: number]> = {
  "contacts>companies": [1, 279],
  "companies>contacts": [2, 280],
  "deals>contacts": [undefined, 3],
  "contacts>deals": [undefined, 4],
  "deals>companies": [5, 341],
  "companies>deals": [6, 342],
};

/** The live records of type `to` linked to one record, with whether the link is primary. */
export function linked(
  store: CrmStore,
  type: HubspotType,
  id: string,
  to: HubspotType,
): { id: string; primary: boolean }[] {
  const found = new Map<string, boolean>();
  for (const l of store.links) {
    const other =
      l.from.type === type && l.from.id === id ? l.to : l.to.type === type && l.to.id === id ? l.from : undefined;
    if (!other || other.type !== to || store.find(to, other.id)?.archived !== false) continue;
    found.set(other.id, (found.get(other.id) ?? false) || l.primary);
  }
  return [...found].map(([otherId, primary]) => ({ id: otherId, primary })).sort((a, b) => Number(a.id) - Number(b.id));
}

/** v3 `associations=` on list and read: `{ companies: { results: [{ id, type: "deal_to_company" }] } }` */
export function inlineAssociations(store: CrmStore, type: HubspotType, id: string, wanted: HubspotType[]) {
  const out: Record<string, { results: { id: string; type: string }[] }> = {};
  for (const to of wanted) {
    const name = `${SINGULAR[type]}_to_${SINGULAR[to]}`;
    const [primaryId] = TYPE_IDS[`${type}>${to}`] ?? [];
    const results = linked(store, type, id, to).flatMap((l) => [
      ...(l.primary && primaryId !== undefined ? [{ id: l.id, type: name }] : []),
      { id: l.id, type: primaryId === undefined ? name : `${name}_unlabeled` },
    ]);
    // HubSpot leaves out the association types a record has none of
    if (results.length) out[to] = { results };
  }
  return out;
}

/** v4 `MultiAssociatedObjectWithLabel` */
function withLabels(from: HubspotType, to: HubspotType, l: { id: string; primary: boolean }) {
  const [primaryId, unlabeled] = TYPE_IDS[`${from}>${to}`] ?? [undefined, 0];
  const types = [
    ...(l.primary && primaryId !== undefined
      ? [{ category: "HUBSPOT_DEFINED", typeId: primaryId, label: "Primary" }]
      : []),
    { category: "HUBSPOT_DEFINED", typeId: unlabeled, label: null },
  ];
  return { toObjectId: l.id, associationTypes: types };
}

/** `GET /crm/v4/objects/{type}/{id}/associations/{toType}` (limit ≤ 500, `after`) */
export function readAssociations(store: CrmStore, req: RecordedRequest, m: RegExpExecArray): FakeResponse {
  const type = objectType(m[1]!);
  const to = objectType(m[3]!);
  if (!type || !to) return invalid(`Unknown object type: ${!type ? m[1] : m[3]}`);
  if (store.find(type, m[2]!)?.archived !== false) return notFound(`${SINGULAR[type]} ${m[2]}`);
  const limit = Number(req.query.get("limit") ?? 500);
  if (limit > 500) return invalid("limit must be at most 500");
  const all = linked(store, type, m[2]!, to);
  const start = Number(req.query.get("after") ?? 0);
  const next = start + limit < all.length ? String(start + limit) : undefined;
  return {
    body: {
      results: all.slice(start, start + limit).map((l) => withLabels(type, to, l)),
      ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
    },
  };
}

/**
 * `POST /crm/v4/associations/{from}/{to}/batch/read` with `{ inputs: [{ id }] }` (≤ 1,000 inputs).
 * Inputs with nothing linked come back as errors with a 207, the rest as results.
 */
export function batchReadAssociations(store: CrmStore, req: RecordedRequest, m: RegExpExecArray): FakeResponse {
  const from = objectType(m[1]!);
  const to = objectType(m[2]!);
  if (!from || !to) return invalid(`Unknown object type: ${!from ? m[1] : m[2]}`);
  const inputs = (req.body as { inputs?: { id?: string }[] } | undefined)?.inputs;
  if (!Array.isArray(inputs)) return invalid("inputs is required");
  if (inputs.length > 1000) return invalid("Batch input limit is 1000");
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const { id } of inputs) {
    const found =
      id !== undefined && store.find(from, String(id))?.archived === false ? linked(store, from, String(id), to) : [];
    if (found.length) results.push({ from: { id: String(id) }, to: found.map((l) => withLabels(from, to, l)) });
    else errors.push(noAssociations(from, to, String(id)));
  }
  const at = store.now();
  const body = {
    status: "COMPLETE",
    results,
    startedAt: at,
    completedAt: at,
    ...(errors.length ? { numErrors: errors.length, errors } : {}),
  };
  return { status: errors.length ? 207 : 200, body };
}

/** `StandardError`; the category and subCategory are what HubSpot answers, not given by the spec */
function noAssociations(from: HubspotType, to: HubspotType, id: string) {
  return {
    status: "error",
    category: "OBJECT_NOT_FOUND",
    subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
    message: `No ${SINGULAR[to]} is associated with ${SINGULAR[from]} ${id}.`,
    context: { fromObjectId: [id] },
    errors: [],
    links: {},
  };
}
