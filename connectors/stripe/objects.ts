import { DpError } from "../../engine/errors.ts";
import type { RawRecord } from "../../engine/ingest/connector.ts";
import type { HttpClient, Query } from "../http/client.ts";

/**
 * Lists Stripe embeds inside an object and truncates (10 entries, `has_more: true`): an invoice's
 * lines and a subscription's items. The rest is read from their own endpoints, so a landed object
 * always holds its whole list.
 */
const NESTED: Record<string, { field: string; list: (id: string) => [string, Query] }> = {
  invoices: { field: "lines", list: (id) => [`/v1/invoices/${id}/lines`, {}] },
  subscriptions: { field: "items", list: (id) => ["/v1/subscription_items", { subscription: id }] },
};

interface ListObject {
  data: RawRecord[];
  has_more: boolean;
}

export function hasNestedLists(stream: string): boolean {
  return stream in NESTED;
}

/** Reads the rest of a truncated embedded list into the object (in place); other objects are untouched. */
export async function completeNestedLists(client: HttpClient, stream: string, o: RawRecord): Promise<void> {
  const nested = NESTED[stream];
  const list = nested && (o[nested.field] as ListObject | null | undefined);
  if (!nested || !list?.has_more || !Array.isArray(list.data) || typeof o.id !== "string") return;
  const [path, query] = nested.list(o.id);
  let after = list.data.at(-1)?.id;
  for (;;) {
    const res = await client.get<ListObject>(path, { ...query, limit: 100, starting_after: after as string });
    const page = res.data;
    if (!page || !Array.isArray(page.data)) {
      throw new DpError("SOURCE_DATA", `stripe ${path}: expected a list object with data[]`, { where: path });
    }
    list.data.push(...page.data);
    after = page.data.at(-1)?.id;
    if (!page.has_more || typeof after !== "string") break;
  }
  list.has_more = false;
}

/** Objects taken from events, each as a list page gives it (expanded, its nested lists whole); deletions as they are. */
export async function asListed(
  client: HttpClient,
  stream: string,
  objects: RawRecord[],
  expand: string[] | undefined,
): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for (const o of objects) {
    const current = o.deleted === true ? o : await reread(client, stream, o, expand);
    await completeNestedLists(client, stream, current);
    out.push(current);
  }
  return out;
}

/**
 * The object as a list page would have given it: events hold objects unexpanded (Stripe never
 * expands event payloads), so an object landed from an event is read again with the stream's
 * expansions. An object gone since (404) keeps the event's copy.
 */
async function reread(
  client: HttpClient,
  stream: string,
  o: RawRecord,
  expand: string[] | undefined,
): Promise<RawRecord> {
  if (!expand?.length || typeof o.id !== "string") return o;
  try {
    const res = await client.get<RawRecord>(`/v1/${stream}/${o.id}`, { "expand[]": expand });
    return res.data && typeof res.data === "object" && !res.data.deleted ? res.data : o;
  } catch (e) {
    if (e instanceof DpError && / returned 404/.test(e.message)) return o;
    throw e;
  }
}
