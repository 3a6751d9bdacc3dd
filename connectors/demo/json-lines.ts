import { isBigInteger } from "../../engine/ingest/exact-json.ts";
import { RecordShape } from "../../engine/ingest/record-shape.ts";
import { RecordsText } from "../../engine/ingest/records-text.ts";

/**
 * JSON text a batch of the demo's records stops at (besides MAX_BATCH records): a quarter of the lake
 * writer's 32 MB file, so a file of large records (10,000 Stripe invoices are ≈60 MB of JSON) overshoots
 * it by at most that, and DuckDB, which holds about a file's JSON while it converts it, converts files of
 * one size whatever the records.
 */
export const BATCH_TEXT = 8 * 2 ** 20;

/**
 * The kinds of shape (record-shape.ts) records have, each computed once: a record is given the id of
 * its kind, and a batch's shape is merged from its records' kinds rather than walked record by record.
 */
export class ShapeKinds {
  private readonly shapes: RecordShape[] = [];
  private readonly ids = new Map<string, number>();

  /** The kind of shape of the record whose JSON line this is; a new kind's shape is that of the line parsed. */
  id(record: unknown, line: string): number {
    const key = shapeKey(record);
    let id = this.ids.get(key);
    if (id === undefined) {
      const shape = new RecordShape();
      shape.add([JSON.parse(line)]);
      id = this.shapes.push(shape) - 1;
      this.ids.set(key, id);
    }
    return id;
  }

  /**
   * The shape of records of these kinds, in the order each first appears in the records: the shape,
   * key order included, that RecordShape.add gives over the records in order.
   */
  shape(kinds: Iterable<number>): RecordShape {
    const shape = new RecordShape();
    for (const k of kinds) shape.merge(this.shapes[k]!);
    return shape;
  }
}

/**
 * Records made into JSON lines as they come, for the lake writer to spool as they are (TextBatch):
 * a batch of large records is never held as objects, only as its text, and its shape is added up
 * record by record as the writer would have added it.
 */
export class JsonLines {
  private lines: string[] = [];
  private shape = new RecordShape();
  private chars = 0;

  get count(): number {
    return this.lines.length;
  }

  /** at MAX_BATCH records or BATCH_TEXT of JSON: time to hand the batch out */
  full(maxRecords: number): boolean {
    return this.lines.length >= maxRecords || this.chars >= BATCH_TEXT;
  }

  add(record: unknown): void {
    const line = JSON.stringify(record);
    this.lines.push(line);
    this.chars += line.length + 1;
    this.shape.root.add(record);
  }

  /** The lines so far, with their shape; the next batch starts empty. */
  take(): RecordsText {
    const text = new RecordsText(
      Buffer.from(this.lines.length ? `${this.lines.join("\n")}\n` : ""),
      this.lines.length,
      this.shape,
    );
    this.lines = [];
    this.shape = new RecordShape();
    this.chars = 0;
    return text;
  }
}

/**
 * A key for the shape (record-shape.ts) of JSON.parse(JSON.stringify(value)), written without the
 * JSON: values with the same key have the same shape, their keys' order included. An array lists its
 * items' distinct keys in the order they first appear, the order their shapes merge in.
 */
export function shapeKey(value: unknown): string {
  switch (typeof value) {
    case "string":
      return "s";
    case "boolean":
      return "b";
    case "number":
      // NaN and the infinities are JSON's null
      return Number.isSafeInteger(value) ? "i" : Number.isFinite(value) ? "n" : "z";
    case "object": {
      if (value === null) return "z";
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (const item of value) {
          const k = droppedByJson(item) ? "z" : shapeKey(item);
          if (!items.includes(k)) items.push(k);
        }
        return `[${items.join(",")}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if ((proto === Object.prototype || proto === null) && !isBigInteger(value) && !("toJSON" in value)) {
        let key = "{";
        const obj = value as Record<string, unknown>;
        for (const k in obj) {
          const v = obj[k];
          if (!droppedByJson(v)) key += `${JSON.stringify(k)}:${shapeKey(v)},`;
        }
        return `${key}}`;
      }
      // a Date, a kept big integer, a class instance: whatever JSON makes of it
      return shapeKey(JSON.parse(JSON.stringify(value)));
    }
    default:
      return shapeKey(JSON.parse(JSON.stringify(value) ?? "null"));
  }
}

/** `undefined`, a function or a symbol: JSON drops it from an object (and writes null for it in an array). */
function droppedByJson(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}
