import { DpError } from "../errors.ts";
import { type Db, ident, literal, qualified } from "../warehouse/duckdb.ts";
import { compileSql, liveRelation } from "./compile.ts";
import type { Model, ModelGraph } from "./models.ts";
import { checkContract } from "./testing/contract-check.ts";
import { runModelTests, type DataTest, type TestResult } from "./testing/data-tests.ts";

/**
 * How one model becomes a relation: created, merged or appended (incremental), replaced as a view,
 * or built beside its live version as a shadow, tested, and swapped in.
 */
export type RelationKind = "table" | "view";

/** Every live relation, read once per build: a catalog query per model took milliseconds that grew with the number of tables. */
export async function liveRelations(db: Db): Promise<Map<string, RelationKind>> {
  const rows = await db.all<{ schema_name: string; name: string; kind: RelationKind }>(
    "SELECT schema_name, table_name AS name, 'table' AS kind FROM duckdb_tables() UNION ALL SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal",
  );
  return new Map(rows.map((r) => [relationKey(r.schema_name, r.name), r.kind]));
}

export function relationKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/**
 * Builds the model; returns its row count when the statement reports it (a table created from its query),
 * and for a merge, how many rows its delta's tombstones deleted (below).
 */
export async function materialize(
  db: Db,
  model: Model,
  sql: string,
  fullRefresh: boolean,
  graph: ModelGraph,
  existing: RelationKind | undefined,
  schemas: Set<string>,
  /** a table's key (publishKey): the row diff says whether its added rows are a merge part by it */
  key?: string[],
): Promise<{
  created?: number;
  deleted?: number;
  /** a merge: how many live rows its delta's keys replaced (0: every key was new to the table) */
  replaced?: number;
  same?: string;
  diffed?: boolean;
  keyed?: boolean;
}> {
  const rel = liveRelation(model);
  if (!schemas.has(model.schema)) await db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(model.schema)}`);
  if (model.materialized === "incremental" && existing === "table" && !fullRefresh) {
    const delta = compileSql(model, graph, { isIncremental: true });
    const { strategy, keys } = incrementalStrategy(model);
    // kept until the publish, which writes these rows as the table's next part (table-parts.ts)
    const dp_delta = ident(deltaTable(model));
    await db.run(`CREATE OR REPLACE TEMP TABLE ${dp_delta} AS ${delta}`);
    if (strategy === "append") {
      await db.run(`INSERT INTO ${rel} BY NAME SELECT * FROM ${dp_delta}`);
    } else {
      if (!keys.length) {
        throw new DpError("CONFIG", `incremental model ${model.name} uses ${strategy} but declares no unique_key`, {
          where: model.yamlWhere ?? model.displayPath,
          fix: "add unique_key: <column> to the model's YAML",
        });
      }
      const match = keys.map((k) => `${rel}.${ident(k)} = ${dp_delta}.${ident(k)}`).join(" AND ");
      if (strategy === "merge") {
        const marked = await hasTombstones(db, deltaTable(model));
        const tombstones =
          marked &&
          Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${dp_delta} WHERE ${ident(TOMBSTONE)}`))?.n) >
            0;
        // rows a tombstone removes (one for an object that was never here removes nothing); a delta
        // without tombstone rows skips the scan of the table
        const deleted = tombstones
          ? await db.one<{ n: number }>(
              `SELECT count(*) AS n FROM ${rel} WHERE EXISTS (SELECT 1 FROM ${dp_delta} WHERE ${match} AND ${dp_delta}.${ident(TOMBSTONE)})`,
            )
          : undefined;
        // the rows it removes: none means no key of the delta was in the table, so its rows hide no earlier row
        // (the publish's view then needs no anti-join against them: table-parts.ts `disjoint`)
        const removed = await db.one<{ Count: number }>(
          `DELETE FROM ${rel} WHERE EXISTS (SELECT 1 FROM ${dp_delta} WHERE ${match})`,
        );
        if (marked) {
          await db.run(`DELETE FROM ${dp_delta} WHERE ${ident(TOMBSTONE)}`);
          await db.run(`ALTER TABLE ${dp_delta} DROP COLUMN ${ident(TOMBSTONE)}`);
        }
        await db.run(`INSERT INTO ${rel} BY NAME SELECT * FROM ${dp_delta}`);
        const replaced = Number(removed?.Count);
        return { deleted: Number(deleted?.n ?? 0), ...(Number.isFinite(replaced) ? { replaced } : {}) };
      } else {
        // delete+insert by time range: the key is the time column; replace every row in the delta's range
        const k = ident(keys[0]!);
        await db.run(
          `DELETE FROM ${rel} WHERE ${k} >= (SELECT min(${k}) FROM ${dp_delta}) AND ${k} <= (SELECT max(${k}) FROM ${dp_delta})`,
        );
      }
      await db.run(`INSERT INTO ${rel} BY NAME SELECT * FROM ${dp_delta}`);
    }
    return {};
  }
  if (existing === "view") await db.run(`DROP VIEW ${rel}`);
  if (model.materialized === "view") {
    if (existing === "table") await db.run(`DROP TABLE ${rel}`);
    await db.run(`CREATE OR REPLACE VIEW ${rel} AS ${sql}`);
    return {};
  }
  if (model.materialized === "table" && existing === "table" && !fullRefresh) {
    const replaced = await replaceChangedRows(db, model, sql, key);
    if (replaced !== undefined)
      return { created: replaced.rows, same: replaced.same, diffed: true, keyed: replaced.keyed };
  }
  const created = await db.one<{ Count: number }>(`CREATE OR REPLACE TABLE ${rel} AS ${sql}`);
  return { created: created?.Count === undefined ? undefined : Number(created.Count) };
}

/**
 * A table rebuilt over its live version changes only the rows that differ: the new result is computed
 * into a temp table, the live rows it no longer has are deleted and its rows the live table lacks are
 * inserted (each row counted with its duplicates). DuckDB logs a table created anew whole, uncompressed,
 * to the WAL and writes it again at the checkpoint (a 94k-row mart: 9 MB per cron run); the rows a
 * 15-minute run changes are a few hundred. Returns the row count, and when no row changed, the data
 * version the table holds; undefined when the columns changed (the caller creates the table anew). The rows
 * added stay in the temp table deltaTable(model) for the caller, who drops it.
 *
 * The version a table's rows are is kept in `_dp.table_versions`, written in the transaction that changes them
 * (recordVersions): a build killed after committing a model but before recording it leaves rows the bookkeeping
 * does not know, and that table still names them.
 */
async function replaceChangedRows(
  db: Db,
  model: Model,
  sql: string,
  key?: string[],
): Promise<{ rows: number; same?: string; keyed?: boolean } | undefined> {
  const rel = liveRelation(model);
  const nextName = `dp_next__${model.schema}__${model.name}`;
  const next = ident(nextName);
  const created = await db.one<{ Count: number }>(`CREATE OR REPLACE TEMP TABLE ${next} AS ${sql}`);
  try {
    const names = await matchingColumns(db, model.schema, model.name, nextName);
    if (!names) {
      await db.run(`CREATE OR REPLACE TABLE ${rel} AS SELECT * FROM ${next}`);
      return undefined;
    }
    // the rows added are kept as the model's delta (deltaTable): its row-by-row tests read them (build-run.ts)
    const added = deltaTable(model);
    let keepAdded = false;
    let kept: string | undefined;
    let keyed: boolean | undefined;
    try {
      const diff = await applyRowDiff(db, rel, nextName, names, added);
      const unchanged = diff.gone === 0 && diff.added === 0;
      keepAdded = true;
      // every removed row's key is added again (a row replaced, none removed): the added rows, as a merge part
      // by the key, turn the previous version into this one
      if (key?.length && !unchanged) {
        const using = key.map(ident).join(", ");
        const orphans = diff.gone
          ? await db.one<{ n: number }>(
              `SELECT count(*) AS n FROM ${ident(diff.goneTable)} ANTI JOIN ${ident(added)} USING (${using})`,
            )
          : undefined;
        keyed = Number(orphans?.n ?? 0) === 0;
      }
      if (unchanged) kept = await tableVersion(db, model);
    } finally {
      await db.run(`DROP TABLE IF EXISTS ${ident(`${nextName}__gone`)}`).catch(() => {});
      if (!keepAdded) await db.run(`DROP TABLE IF EXISTS ${ident(added)}`).catch(() => {});
    }
    return { rows: Number(created?.Count ?? 0), same: kept, keyed };
  } finally {
    // after a failed statement the transaction is aborted and this fails too: the first error is the one to report
    await db.run(`DROP TABLE IF EXISTS ${next}`).catch(() => {});
  }
}

/**
 * The columns of the temp table `nextName`, when they are the live table's (names and types, in order) and rows
 * can be matched on them; undefined when the columns changed or hold a MAP or UNION (the caller writes the table anew).
 */
export async function matchingColumns(
  db: Db,
  schema: string,
  table: string,
  nextName: string,
): Promise<string[] | undefined> {
  // DESCRIBE binds the one table; duckdb_columns() lists every column of every table first (≈ 7 ms of CPU a model
  // at 45 models, against ≈ 1 ms)
  const live = await describe(db, qualified(schema, table));
  const next = await describe(db, `temp.main.${ident(nextName)}`);
  const sig = (cols: Column[]) => cols.map((c) => `${c.column_name} ${c.column_type}`).join(", ");
  if (!live.length || sig(live) !== sig(next) || /\b(MAP|UNION)\(/.test(sig(next))) return undefined;
  return next.map((c) => c.column_name);
}

interface Column {
  column_name: string;
  column_type: string;
}

/** An existing relation's columns, in order (a failed statement would abort the caller's transaction). */
async function describe(db: Db, rel: string): Promise<Column[]> {
  return await db.all<Column & Record<string, unknown>>(`DESCRIBE ${rel}`);
}

/**
 * Makes the live table `rel` hold the rows of the temp table `nextName` over the columns `names` by deleting the
 * live rows it no longer has and inserting the ones the live table lacks, as multisets: each distinct row counted
 * +1 per live copy and −1 per new one, in one grouping of both versions (GROUP BY matches NULLs; two EXCEPT ALLs
 * built a hash table of each whole version: 3–5× the time on the cron run's marts); a row left above 0 goes, below
 * 0 comes. The rows added stay in the temp table `addedName`, the rows removed in `<nextName>__gone`; the caller
 * drops both. A column of the live table outside `names` is NULL on the inserted rows.
 *
 * The grouping also keeps, per distinct row, how many live copies it has and the rowid of one: a row to remove that
 * has one live copy (every row of a table with a unique key) is deleted by that rowid. Matching the removed rows
 * back to the live table column by column with a window over its copies cost 5–30 ms of CPU a mart (the cron run's
 * `churn_risk`, `accounts`, `account_health`: 0.14 s a run in all); the window is left for rows with several copies. *
 * A table with a column named `rowid` hides DuckDB's row id (no other name reads it): every live copy of a row to
 * remove is deleted by its values and the copies that stay are inserted again.
 */
export async function applyRowDiff(
  db: Db,
  rel: string,
  nextName: string,
  names: string[],
  addedName: string,
): Promise<{ gone: number; added: number; goneTable: string }> {
  const list = names.map((c) => ident(c)).join(", ");
  const next = ident(nextName);
  const diff = ident(`${nextName}__diff`);
  const goneTable = `${nextName}__gone`;
  const gone = ident(goneTable);
  const added = ident(addedName);
  // a column named rowid would be read instead of the row's id (DuckDB offers no other name for it)
  const taken = new Set(names.map((c) => c.toLowerCase()));
  const byRowid = !taken.has("rowid");
  // the grouping's and the window's own columns, named apart from the table's
  const free = (name: string) => {
    let n = name;
    while (taken.has(n.toLowerCase())) n = `${n}_`;
    taken.add(n.toLowerCase());
    return ident(n);
  };
  const side = free("dp__side");
  const rid = free("dp__rid");
  const copies = free("dp__copies");
  const rowidAs = free("dp_rowid");
  const nth = free("dp_k");
  try {
    await db.run(
      byRowid
        ? `CREATE OR REPLACE TEMP TABLE ${diff} AS SELECT ${list}, CAST(sum(${side}) AS BIGINT) AS ${side},
             count(${rid}) AS ${copies}, min(${rid}) AS ${rid} FROM
             (SELECT ${list}, 1 AS ${side}, rowid AS ${rid} FROM ${rel}
              UNION ALL SELECT ${list}, -1 AS ${side}, NULL::BIGINT AS ${rid} FROM ${next})
           GROUP BY ${list} HAVING sum(${side}) <> 0`
        : `CREATE OR REPLACE TEMP TABLE ${diff} AS SELECT ${list}, CAST(sum(${side}) AS BIGINT) AS ${side} FROM
             (SELECT ${list}, 1 AS ${side} FROM ${rel} UNION ALL SELECT ${list}, -1 AS ${side} FROM ${next})
           GROUP BY ${list} HAVING sum(${side}) <> 0`,
    );
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${gone} AS SELECT ${list} FROM (SELECT ${list}, unnest(range(${side})) FROM ${diff} WHERE ${side} > 0)`,
    );
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${added} AS SELECT ${list} FROM (SELECT ${list}, unnest(range(-${side})) FROM ${diff} WHERE ${side} < 0)`,
    );
    const counts = await db.one<{ gone: number; added: number; several: number }>(
      `SELECT (SELECT count(*) FROM ${gone}) AS gone, (SELECT count(*) FROM ${added}) AS added,
         ${byRowid ? `(SELECT count(*) FROM ${diff} WHERE ${side} > 0 AND ${copies} > 1)` : "NULL"} AS several`,
    );
    const goneRows = Number(counts?.gone ?? 0);
    const addedRows = Number(counts?.added ?? 0);
    // a row with one live copy and fewer new ones: that copy goes, by its rowid
    if (goneRows > 0 && byRowid)
      await db.run(
        `DELETE FROM ${rel} WHERE rowid IN (SELECT ${rid} FROM ${diff} WHERE ${side} > 0 AND ${copies} = 1)`,
      );
    const several = byRowid ? Number(counts?.several ?? 0) : 0;
    if (several > 0) {
      // the k-th live copy of a row to remove goes with the k-th copy in `gone`
      const from = `(SELECT ${list} FROM (SELECT ${list}, unnest(range(${side})) FROM ${diff} WHERE ${side} > 0 AND ${copies} > 1))`;
      const same = names.map((c) => `a.${ident(c)} IS NOT DISTINCT FROM b.${ident(c)}`).join(" AND ");
      await db.run(
        `DELETE FROM ${rel} WHERE rowid IN (
         SELECT a.${rowidAs} FROM (
           SELECT rowid AS ${rowidAs}, ${list}, row_number() OVER (PARTITION BY ${list}) AS ${nth} FROM ${rel} a
           WHERE EXISTS (SELECT 1 FROM ${from} b WHERE ${same})) a
         JOIN (SELECT ${list}, row_number() OVER (PARTITION BY ${list}) AS ${nth} FROM ${from}) b ON ${same} AND a.${nth} = b.${nth})`,
      );
    }
    if (goneRows > 0 && !byRowid) {
      // a column shadows the row id: no live row can be named alone, so every live copy of a row to remove goes
      // and the copies that stay (its live copies less those in `gone`) are inserted again
      const kept = ident(`${nextName}__kept`);
      const same = names.map((c) => `${rel}.${ident(c)} IS NOT DISTINCT FROM b.${ident(c)}`).join(" AND ");
      const matched = `EXISTS (SELECT 1 FROM ${diff} b WHERE b.${side} > 0 AND ${same})`;
      try {
        await db.run(
          `CREATE OR REPLACE TEMP TABLE ${kept} AS SELECT ${list} FROM ${rel} WHERE ${matched} EXCEPT ALL SELECT ${list} FROM ${gone}`,
        );
        await db.run(`DELETE FROM ${rel} WHERE ${matched}`);
        await db.run(`INSERT INTO ${rel} (${list}) SELECT ${list} FROM ${kept}`);
      } finally {
        await db.run(`DROP TABLE IF EXISTS ${kept}`).catch(() => {});
      }
    }
    if (addedRows > 0) await db.run(`INSERT INTO ${rel} (${list}) SELECT ${list} FROM ${added}`);
    return { gone: goneRows, added: addedRows, goneTable };
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${diff}`).catch(() => {});
  }
}

/**
 * Records the data version of tables whose rows changed: `schema.name` → the run whose rows they are, or null
 * when no version is known (an incremental model, a view: the next row diff that finds it unchanged gives it a
 * new one). Called inside the transaction that changed them (a commit group's, a shadow's swap), so the record and
 * the rows commit together or not at all; every path that replaces a table's rows writes its entry. A COMMENT per
 * table did this before: a statement per model, where this is two per commit group.
 */
export async function recordVersions(db: Db, versions: Map<string, string | null>): Promise<void> {
  if (!versions.size) return;
  // quoted literals: the names and versions bound as one JSON parameter and unnested cost ≈ 1.5 ms of CPU a DELETE
  // and ≈ 0.8 an INSERT, against ≈ 0.5 each (two per commit group; ≈ 20 groups in a cron run)
  await db.run(`DELETE FROM _dp.table_versions WHERE rel IN (${[...versions.keys()].map(literal).join(", ")})`);
  const set = [...versions].filter((e): e is [string, string] => e[1] !== null);
  if (set.length)
    await db.run(
      `INSERT INTO _dp.table_versions (rel, version) VALUES ${set.map(([r, v]) => `(${literal(r)}, ${literal(v)})`).join(", ")}`,
    );
}

/** The data version recordVersions last wrote for the model's table, or undefined. */
async function tableVersion(db: Db, model: Model): Promise<string | undefined> {
  const row = await db.one<{ version: string | null }>("SELECT version FROM _dp.table_versions WHERE rel = $1", [
    relationKey(model.schema, model.name),
  ]);
  return row?.version ?? undefined;
}

/** The column by which an incremental merge's delta says "this key is gone" (a deleted or archived object). */
export const TOMBSTONE = "_dp_deleted";

/**
 * A merge deletes every key its delta holds; rows whose TOMBSTONE is true only delete (the object was
 * deleted, archived or filtered out since the last build): they leave the delta before the insert.
 * A model declares tombstones by selecting the column in its incremental branch only; its full build
 * filters those rows out instead.
 */
async function hasTombstones(db: Db, name: string): Promise<boolean> {
  return (await describe(db, `temp.main.${ident(name)}`)).some((c) => c.column_name === TOMBSTONE);
}

/** The temp table holding the rows an incremental build merged or appended. */
export function deltaTable(model: Pick<Model, "schema" | "name">): string {
  return `dp_delta__${model.schema}__${model.name}`;
}

/** How an incremental model adds its rows; delete+insert by time range is not a delta the publish can replay. */
export function incrementalStrategy(model: Model): { strategy: string; keys: string[] } {
  const keys = model.config.unique_key ? [model.config.unique_key].flat() : [];
  return { strategy: model.config.incremental_strategy ?? (keys.length ? "merge" : "append"), keys };
}

/** Rows from which a model with tests is built beside its live version: below it, the single-threaded scan costs less than two more commits. */
export const LARGE_ROWS = 1_000_000;

/** The model replaces its relation with CREATE TABLE … AS (a table, or an incremental model built in full). */
export function createsTable(model: Model, existing: RelationKind | undefined, fullRefresh: boolean): boolean {
  return (
    model.materialized === "table" || (model.materialized === "incremental" && (existing !== "table" || fullRefresh))
  );
}

export function shadowName(model: Pick<Model, "name">): string {
  return `${model.name}__dp_shadow`;
}

/** A build killed between committing a shadow and swapping it in leaves it behind; it was never live. */
export async function dropShadows(db: Db, relations: Map<string, RelationKind>): Promise<void> {
  for (const key of [...relations.keys()]) {
    if (!key.endsWith("__dp_shadow") || relations.get(key) !== "table") continue;
    const dot = key.indexOf(".");
    await db.run(`DROP TABLE IF EXISTS ${qualified(key.slice(0, dot), key.slice(dot + 1))}`);
    relations.delete(key);
  }
}

export async function buildBeside(
  db: Db,
  model: Model,
  sql: string,
  tests: DataTest[],
  into: TestResult[],
  existing: RelationKind | undefined,
  version: string | null,
) {
  const created = await db.one<{ Count: number }>(
    `CREATE OR REPLACE TABLE ${qualified(model.schema, shadowName(model))} AS ${sql}`,
  );
  const { checked } = await testBeside(db, model, tests, into, existing, version);
  return { created: created?.Count === undefined ? undefined : Number(created.Count), checked };
}

/** Tests the committed shadow; swaps it in (with its data version, recordVersions) when they pass, drops it when they fail. */
export async function testBeside(
  db: Db,
  model: Model,
  tests: DataTest[],
  into: TestResult[],
  existing: RelationKind | undefined,
  version: string | null,
) {
  const shadow = qualified(model.schema, shadowName(model));
  try {
    await checkContract(db, model, shadow);
    const checked = await runModelTests(db, tests, shadow);
    into.push(...checked.results);
    throwIfFailed(model, into);
    await db.transaction(async () => {
      if (existing) await db.run(`DROP ${existing === "view" ? "VIEW" : "TABLE"} IF EXISTS ${liveRelation(model)}`);
      await db.run(`ALTER TABLE ${shadow} RENAME TO ${ident(model.name)}`);
      await recordVersions(db, new Map([[relationKey(model.schema, model.name), version]]));
    });
    return { checked };
  } catch (e) {
    await db.run(`DROP TABLE IF EXISTS ${shadow}`).catch(() => {});
    throw e;
  }
}

export function throwIfFailed(model: Model, tests: TestResult[]): void {
  const bad = tests.filter((t) => t.status === "fail" || t.status === "error");
  if (!bad.length) return;
  throw new DpError(
    "TEST_FAILED",
    `${bad.length} test${bad.length > 1 ? "s" : ""} failed: ${bad.map((t) => `${t.id} (${t.message})`).join("; ")}`,
    {
      where: model.yamlWhere ?? model.displayPath,
      fix: `the previous version of ${model.name} stays live; fix the data or the model, then \`dp build --select ${model.name}+\``,
    },
  );
}
