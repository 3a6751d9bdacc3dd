import { invalid } from "./list.ts";

/** Finds any stored object (or a deleted object's stub) by id; undefined when the fake does not hold it. */
export type Resolve = (id: string) => Record<string, unknown> | undefined;

/** Stripe refuses expansions deeper than four levels. */
const MAX_DEPTH = 4;

/**
 * `expand[]` as Stripe does it: on a list every path starts with `data.`; a path walks nested
 * objects and arrays (`items.data.price.product`, `discounts.source.coupon`); the last field must
 * hold an id, a list of ids, or null (which stays null). A field that does not exist or holds no id
 * is a 400, so a pack asking for the wrong expansion fails here as it would against Stripe.
 * Returns a deep copy; the stored object is never changed.
 */
export function expandObject<T extends Record<string, unknown>>(
  o: T,
  paths: string[],
  resolve: Resolve,
  list: boolean,
): T {
  const out = structuredClone(o);
  // every expanded object is a copy, so a deeper path never writes into the store
  const copy: Resolve = (id) => {
    const found = resolve(id);
    return found && structuredClone(found);
  };
  for (const path of paths) {
    let parts = path.split(".");
    if (list) {
      if (parts[0] !== "data")
        invalid(
          `This property cannot be expanded (${path}). You may want to try expanding 'data.${path}' instead.`,
          "expand",
          "parameter_invalid_empty",
        );
      parts = parts.slice(1);
    }
    if (parts.length === 0 || parts.length > MAX_DEPTH)
      invalid(
        `You cannot expand more than ${MAX_DEPTH} levels of a property (${path}).`,
        "expand",
        "parameter_invalid_empty",
      );
    if (!expandAt(out, parts, copy))
      invalid(`This property cannot be expanded (${parts.join(".")}).`, "expand", "parameter_invalid_empty");
  }
  return out;
}

/** Expands `parts` under `node`; false when the path names no expandable field. */
function expandAt(node: unknown, parts: string[], resolve: Resolve): boolean {
  if (Array.isArray(node)) return node.length === 0 || node.map((n) => expandAt(n, parts, resolve)).some(Boolean);
  if (!node || typeof node !== "object") return false;
  const rec = node as Record<string, unknown>;
  const [head, ...rest] = parts as [string, ...string[]];
  if (!(head in rec)) return false;
  if (rest.length > 0) return expandAt(expandedValue(rec, head, resolve), rest, resolve);
  const value = rec[head];
  if (value === null) return true;
  if (typeof value === "string") return ((rec[head] = resolve(value) ?? value), true);
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || (v && typeof v === "object"))) {
    rec[head] = value.map((v) => (typeof v === "string" ? (resolve(v) ?? v) : v));
    return true;
  }
  return typeof value === "object";
}

/** Walking through an id on the way to a deeper field expands that id too (`latest_invoice.customer`). */
function expandedValue(rec: Record<string, unknown>, key: string, resolve: Resolve): unknown {
  const value = rec[key];
  if (typeof value === "string") rec[key] = resolve(value) ?? value;
  if (Array.isArray(value)) rec[key] = value.map((v) => (typeof v === "string" ? (resolve(v) ?? v) : v));
  return rec[key];
}
