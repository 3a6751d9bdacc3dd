/**
 * A stream's declared schema: the DuckDB type of every column, and what each file is converted with.
 *
 * Where it comes from: a database declares it from its catalog (`ctx.declare`), exactly and for every
 * column; a connector may pin some columns (StreamSpec.columns); for the rest, the types first seen
 * for a field stay until a value that does not fit them arrives. A field that was only ever null (or
 * an always-empty object or array) has no type yet, and the first value it gets gives it one: that
 * is no drift, and neither is a field missing from a batch. Drift is a declared type that changed.
 */
import {
  NULL_TYPE,
  exactIntegers,
  fits,
  markUnknown,
  onlyFilled,
  parseType,
  same,
  typeSql,
  typeText,
  widen,
  type DType,
} from "./duckdb-type.ts";
import type { RecordShape } from "./record-shape.ts";

/** A column as the state file keeps it. */
export interface ColumnSchema {
  name: string;
  /** the DuckDB type the lake holds (NULL: no value has shown one yet) */
  type: string;
  /** the source's own name for it, when the source has a catalog */
  source_type?: string;
}

/**
 * How a record carries a value that JSON cannot hold as the column's type: bytes as base64 (the
 * column is BLOB), a JSON document as its text (JSON), an interval as months, days and microseconds
 * (INTERVAL), a time of day with its offset as its text (TIME WITH TIME ZONE). The last two are
 * types Parquet cannot hold exactly (KEPT_AS_TEXT): the lake keeps their text.
 */
export type SpoolEncoding = "base64" | "json-text" | "interval" | "text";

/**
 * Declared types whose values Parquet cannot hold exactly, so the lake's files keep their text and
 * the raw views read it back as the type (rawViewCasts): Parquet's INTERVAL has milliseconds and no
 * sign (DuckDB refuses a negative one), and a Parquet TIME keeps no offset (DuckDB writes a
 * TIMETZ as the UTC time of day, so '10:00+05:30' would read back as '04:30+00').
 */
const KEPT_AS_TEXT = new Set(["INTERVAL", "TIME WITH TIME ZONE"]);

/** A declared type (any list depth) the lake keeps as text: the type the raw views read it as. */
function keptAsText(type: string): string | undefined {
  let t = parseType(type);
  while (t.kind === "list") t = t.of;
  return t.kind === "scalar" && KEPT_AS_TEXT.has(t.name) ? typeSql(parseType(type)) : undefined;
}

/**
 * The `REPLACE` list that makes a raw view read the columns the lake keeps as text as their declared
 * types, for the columns the files have; empty when there are none.
 */
export function rawViewCasts(
  declared: ColumnSchema[],
  present: Set<string>,
  quote: (name: string) => string,
): string[] {
  return declared.flatMap((c) => {
    const type = present.has(c.name) ? keptAsText(c.type) : undefined;
    return type ? [`CAST(${quote(c.name)} AS ${type}) AS ${quote(c.name)}`] : [];
  });
}

/** A column as a source declares it. */
export interface DeclaredColumn {
  name: string;
  /** the DuckDB type the lake holds it as */
  type: string;
  /** the source's own name for the type (`numeric(20,6)`, `bigint unsigned`) */
  source_type?: string;
  encoding?: SpoolEncoding;
}

export interface Drift {
  added: string[];
  removed: string[];
  retyped: string[];
}

interface Column {
  name: string;
  type: DType;
  source_type?: string;
  encoding?: SpoolEncoding;
  /** pinned by the connector: read with this type whatever the values */
  pinned?: boolean;
}

/** The columns one file is converted with, and the values that made a column wider than declared. */
export interface FilePlan {
  columns: Column[];
  /** column → why its declared type could not hold one of its values (DuckDB's words, with the value) */
  misfits: Map<string, string>;
}

export class StreamSchema {
  private columns: Column[];
  /** the source declared every column (a database): a column it no longer has is removed */
  private exhaustive = false;
  /** a schema was recorded by an earlier pull, so a change is drift (a first pull has nothing to drift from) */
  private readonly recorded: boolean;

  constructor(recorded: ColumnSchema[] | undefined, pins?: Record<string, string>) {
    this.recorded = recorded !== undefined;
    this.columns = (recorded ?? []).map((c) => ({
      name: c.name,
      type: parseType(c.type),
      source_type: c.source_type,
    }));
    for (const [name, type] of Object.entries(pins ?? {})) {
      const col = { name, type: parseType(type), pinned: true };
      const at = this.columns.findIndex((c) => c.name === name);
      if (at >= 0) this.columns[at] = col;
      else this.columns.push(col);
    }
  }

  get isExhaustive(): boolean {
    return this.exhaustive;
  }

  /** What the state file keeps, and `dp sources --json` shows. */
  recordable(): ColumnSchema[] {
    return this.columns.map((c) => ({
      name: c.name,
      type: typeText(c.type),
      ...(c.source_type ? { source_type: c.source_type } : {}),
    }));
  }

  /**
   * The source's own columns (a database's catalog). A column whose source type is unchanged keeps
   * the type an earlier value widened it to; anything else follows the source. Returns the drift
   * from the schema an earlier pull recorded.
   */
  declare(columns: DeclaredColumn[]): Drift | undefined {
    const before = new Map(this.columns.map((c) => [c.name, c]));
    this.exhaustive = true;
    this.columns = columns.map((d) => {
      const type = parseType(d.type);
      const was = before.get(d.name);
      if (was && was.source_type === d.source_type && !same(was.type, type) && same(widen(type, was.type), was.type))
        // an interval recorded as VARCHAR (before the lake kept intervals as INTERVAL) stays its text
        return { name: d.name, type: was.type, source_type: d.source_type, encoding: textEncoding(d.encoding) };
      return { name: d.name, type, source_type: d.source_type, encoding: d.encoding };
    });
    // a schema recorded before types came from the catalog was guessed from values: no drift from a guess
    const declared = [...before.values()].some((c) => c.source_type !== undefined);
    return this.recorded && declared ? diff([...before.values()], this.columns) : undefined;
  }

  /** The plan when every field of these records fits the declared types; undefined when some need DuckDB to infer them. */
  planFromShape(shape: RecordShape | undefined): FilePlan | undefined {
    if (this.exhaustive || !shape) return { columns: [...this.columns], misfits: new Map() };
    const known = new Map(this.columns.map((c) => [c.name, c]));
    for (const [key, node] of shape.root.keys ?? []) {
      const col = known.get(key);
      if (!col) return undefined;
      if (!col.pinned && !fits(col.type, node)) return undefined;
    }
    return { columns: [...this.columns], misfits: new Map() };
  }

  /**
   * The plan from DuckDB's inference over the records: a declared column keeps its type while the
   * records fit it (`strict`: while the inferred type is no wider, after a read with it failed), a
   * column that does not fit is widened, a new field takes the inferred type.
   */
  planFromInference(inferred: ColumnSchema[], shape: RecordShape | undefined, strict: boolean): FilePlan {
    const columns = [...this.columns];
    const at = new Map(columns.map((c, i) => [c.name, i]));
    for (const { name, type } of inferred) {
      const node = shape?.root.keys?.get(name);
      const seen = node ? exactIntegers(markUnknown(parseType(type), node), node) : parseType(type);
      const i = at.get(name);
      if (i === undefined) {
        at.set(name, columns.length);
        columns.push({ name, type: seen });
        continue;
      }
      const col = columns[i]!;
      if (col.pinned) continue;
      if (!strict && fits(col.type, node)) continue;
      const wider = widen(col.type, seen);
      if (!same(wider, col.type)) columns[i] = { ...col, type: wider, encoding: undefined };
    }
    return { columns, misfits: new Map() };
  }

  /** The plan with each column that held a value its type cannot read as exact text (JSON for lists), naming the value. */
  widenMisfits(plan: FilePlan, misfits: Map<string, string>): FilePlan {
    const columns = plan.columns.map((c) => {
      if (!misfits.has(c.name)) return c;
      const text: DType = { kind: "scalar", name: c.type.kind === "list" ? "JSON" : "VARCHAR" };
      return { name: c.name, type: text, source_type: c.source_type };
    });
    return { columns, misfits: new Map([...plan.misfits, ...misfits]) };
  }

  /**
   * A converted file becomes part of the stream, in file order: its types widen the declared ones.
   * Returns the drift it brings (none on a stream's first pull) and, when an earlier file of this
   * pull has since widened a column this file was planned narrower, the plan to convert it with again.
   */
  accept(plan: FilePlan): { drift?: Drift; redo?: FilePlan } {
    const before = this.columns;
    const next = [...before];
    const at = new Map(next.map((c, i) => [c.name, i]));
    let narrower = false;
    for (const col of plan.columns) {
      const i = at.get(col.name);
      if (i === undefined) {
        at.set(col.name, next.length);
        next.push(col);
        continue;
      }
      const was = next[i]!;
      const wider = was.pinned ? was.type : widen(was.type, col.type);
      if (!same(wider, col.type) && col.type.kind !== "null") narrower = true;
      if (!same(wider, was.type))
        next[i] = { ...was, type: wider, encoding: plan.misfits.has(col.name) ? undefined : was.encoding };
    }
    if (narrower) {
      const redo = plan.columns.map((c) => next[at.get(c.name)!]!);
      return { redo: { columns: redo, misfits: plan.misfits } };
    }
    this.columns = next;
    const drift = this.recorded ? diff(before, next) : undefined;
    return { drift };
  }
}

/** Added and removed columns, and types that changed other than by getting one where none was known. */
export function diff(before: Column[], after: Column[]): Drift | undefined {
  const b = new Map(before.map((c) => [c.name, c.type]));
  const a = new Map(after.map((c) => [c.name, c.type]));
  const added = [...a.keys()].filter((k) => !b.has(k));
  const removed = [...b.keys()].filter((k) => !a.has(k));
  const retyped = [...a.entries()]
    .filter(([k, t]) => b.has(k) && !onlyFilled(b.get(k)!, t))
    .map(([k, t]) => `${k}: ${typeText(b.get(k)!)} → ${typeText(t)}`);
  if (!added.length && !removed.length && !retyped.length) return undefined;
  return { added, removed, retyped };
}

/** The type read_json parses a column's records as (before an encoding is undone). */
export function readType(col: { type: DType; encoding?: SpoolEncoding }): string {
  if (!col.encoding) return typeSql(col.type);
  return `VARCHAR${"[]".repeat(listDepth(col.type))}`;
}

/** The column as the lake holds it, from what read_json parsed. */
export function landExpr(col: { type: DType; encoding?: SpoolEncoding }, x: string): string {
  switch (col.encoding) {
    case undefined:
      return x;
    case "json-text":
      return `CAST(${x} AS ${typeSql(col.type)})`;
    case "base64":
      return eachElement(x, listDepth(col.type), (e) => `from_base64(${e})`);
    case "text":
      return x;
    case "interval":
      // DuckDB's own interval text where it reads back (its clock part overflows past about 2^31
      // hours); there, the months, days and microseconds as given, which always read back
      return eachElement(x, listDepth(col.type), (e) => {
        const text = `CAST(CAST(${e} AS INTERVAL) AS VARCHAR)`;
        return `CASE WHEN TRY_CAST(${text} AS INTERVAL) IS NULL THEN ${e} ELSE ${text} END`;
      });
  }
}

/** An encoding whose land expression is text, so it suits a column widened to VARCHAR. */
function textEncoding(encoding: SpoolEncoding | undefined): SpoolEncoding | undefined {
  return encoding === "interval" || encoding === "text" ? encoding : undefined;
}

function listDepth(t: DType): number {
  let depth = 0;
  for (let at = t; at.kind === "list"; at = at.of) depth++;
  return depth;
}

/** `f` applied to every element `depth` lists deep. */
function eachElement(x: string, depth: number, f: (e: string) => string): string {
  if (depth === 0) return f(x);
  const e = `e${depth}`;
  return `list_transform(${x}, lambda ${e}: ${eachElement(e, depth - 1, f)})`;
}

export { NULL_TYPE };
