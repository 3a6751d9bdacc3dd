/**
 * The JSON shape of a set of records: every key path, at every depth and inside arrays, with the
 * kinds of value seen there (string, boolean, safe integer, other number, null, array, object).
 * When a spool file's first records have the shape of the whole file, DuckDB's schema inference
 * over just those records cannot miss a key or round a number; it could only pick a string subtype
 * (DATE, TIMESTAMP) that a later value does not parse as, and then the read fails loudly.
 */
import { isBigInteger } from "./exact-json.ts";

export const STRING = 1;
export const BOOLEAN = 2;
export const INTEGER = 4;
export const NUMBER = 8;
export const NULL = 16;
export const ARRAY = 32;
export const OBJECT = 64;
const OTHER = 128;

/** Integer widths (ShapeNode.width): past BIGINT, and past DuckDB's widest DECIMAL (38 digits). */
export const WIDE = 1;
export const VAST = 2;
const MIN_BIGINT = -(2n ** 63n);
const MAX_BIGINT = 2n ** 63n - 1n;

/** How wide an integer token is: 0 within BIGINT, WIDE past it, VAST past 38 digits. */
export function integerWidth(token: string): number {
  if (token.length - (token.startsWith("-") ? 1 : 0) > 38) return VAST;
  const n = BigInt(token);
  return n < MIN_BIGINT || n > MAX_BIGINT ? WIDE : 0;
}

export class ShapeNode {
  kinds = 0;
  keys: Map<string, ShapeNode> | undefined;
  items: ShapeNode | undefined;
  /** for the walk over JSON text (records-text.ts): keys in first-seen order and their nodes */
  order: string[] | undefined;
  children: ShapeNode[] | undefined;
  /** `"key":`, this node's key as JSON text with the colon after it, when that text is the key itself */
  quoted: string | undefined;
  /** this key's place in its parent's order, and the object it was last seen in */
  index = 0;
  visit = 0;
  /** the widest integer seen here: WIDE past BIGINT, VAST past 38 digits (no number the lake keeps holds it) */
  width = 0;

  add(value: unknown): void {
    const kind = kindOf(value);
    this.kinds |= kind;
    if (isBigInteger(value)) this.width = Math.max(this.width, integerWidth(value.rawJSON));
    if (kind === OBJECT) {
      const keys = (this.keys ??= new Map());
      const obj = value as Record<string, unknown>;
      for (const key in obj) {
        let child = keys.get(key);
        if (child === undefined) keys.set(key, (child = new ShapeNode()));
        child.add(obj[key]);
      }
    } else if (kind === ARRAY) {
      const items = (this.items ??= new ShapeNode());
      for (const item of value as unknown[]) items.add(item);
    }
  }

  merge(other: ShapeNode): void {
    this.kinds |= other.kinds;
    this.width = Math.max(this.width, other.width);
    if (other.keys) {
      const keys = (this.keys ??= new Map());
      for (const [key, node] of other.keys) {
        let child = keys.get(key);
        if (child === undefined) keys.set(key, (child = new ShapeNode()));
        child.merge(node);
      }
    }
    if (other.items) (this.items ??= new ShapeNode()).merge(other.items);
  }

  equals(other: ShapeNode | undefined): boolean {
    if (!other || other.kinds !== this.kinds) return false;
    if ((this.items === undefined) !== (other.items === undefined)) return false;
    if (this.items && !this.items.equals(other.items)) return false;
    if ((this.keys?.size ?? 0) !== (other.keys?.size ?? 0)) return false;
    for (const [key, child] of this.keys ?? []) if (!child.equals(other.keys!.get(key))) return false;
    return true;
  }
}

function kindOf(value: unknown): number {
  switch (typeof value) {
    case "string":
      return STRING;
    case "boolean":
      return BOOLEAN;
    case "number":
      return Number.isSafeInteger(value) ? INTEGER : NUMBER;
    case "object":
      if (value === null) return NULL;
      if (Array.isArray(value)) return ARRAY;
      // an integer past 2^53 that parseJson kept as written
      if (isBigInteger(value)) return INTEGER;
      // Date, Buffer: serialized by their toJSON, not by their keys
      return typeof (value as { toJSON?: unknown }).toJSON === "function" ? OTHER : OBJECT;
    default:
      return OTHER;
  }
}

export class RecordShape {
  readonly root = new ShapeNode();

  add(records: readonly unknown[]): void {
    for (const r of records) this.root.add(r);
  }

  merge(other: RecordShape): void {
    this.root.merge(other.root);
  }

  equals(other: RecordShape | undefined): boolean {
    return other !== undefined && this.root.equals(other.root);
  }
}
