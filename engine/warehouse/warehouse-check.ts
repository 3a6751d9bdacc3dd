import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Project } from "../config/project.ts";
import { Db, qualified } from "./duckdb.ts";
import { checkNotTruncated } from "./recover.ts";
import { currentPointer, openReader } from "./snapshots.ts";
import { basesDir, fileHash, partsDir, readManifest } from "./table-parts.ts";

export interface WarehouseHealth {
  ok: boolean;
  detail: string;
  fix?: string;
}

/**
 * `dp doctor`'s look at the data itself: the published snapshot's every relation reads in full (each
 * table's row count is the one it was published with, every part is there and every row of it decodes; a base has
 * the size and hash it was published with), and the warehouse file is whole
 * (not shorter than its header says, every block of every table reads back) when no run holds it.
 */
export async function checkWarehouse(project: Project, writerFree: boolean): Promise<WarehouseHealth> {
  const pointer = currentPointer(project);
  if (!pointer) return { ok: true, detail: "nothing published yet" };
  const problems: string[] = [];
  const file = join(project.paths.snapshots, pointer.file);
  const manifest = readManifest(file);
  // a base (a copy of the warehouse file some tables read) must be the bytes the publish checked: a file cut short
  // or changed anywhere, live data or free blocks, fails here before a row is read
  const base = manifest?.base;
  if (base) {
    const path = join(basesDir(project.paths.snapshots), base.file);
    const size = existsSync(path) ? statSync(path).size : undefined;
    if (size === undefined) problems.push(`base ${base.file} is missing`);
    else if (size !== base.bytes) problems.push(`base ${base.file} has ${size} bytes, published with ${base.bytes}`);
    else if (fileHash(path) !== base.hash) problems.push(`base ${base.file}: its bytes differ from the published ones`);
  }
  if (problems.length)
    return {
      ok: false,
      detail: `the published snapshot ${pointer.file} is damaged: ${problems.join("; ")}`,
      fix: "run `dp run`: it rebuilds and publishes a new verified snapshot",
    };
  try {
    const db = await openReader(project);
    try {
      for (const [rel, e] of Object.entries(manifest?.tables ?? {})) {
        const missing = e.parts.filter((p) => !existsSync(join(partsDir(project.paths.snapshots), p)));
        if (missing.length) {
          problems.push(`${rel}: ${missing.length} part(s) missing`);
          continue;
        }
        const dot = rel.indexOf(".");
        // every row of every part (and of the base's copy) decoded: the publish checks a large part by its footer only
        // (snapshots.ts verifySnapshot)
        const n = (
          await db.one<{ n: number }>(
            `SELECT count(*) AS n, bit_xor(hash(t)) AS h FROM ${qualified(rel.slice(0, dot), rel.slice(dot + 1))} t`,
          )
        )?.n;
        if (Number(n) !== e.rows) problems.push(`${rel}: ${n} rows, published with ${e.rows}`);
      }
      // the small tables inside the snapshot file, read in full
      for (const [rel, e] of Object.entries(manifest?.inline ?? {})) {
        const dot = rel.indexOf(".");
        const n = (
          await db.one<{ n: number }>(
            `SELECT count(*) AS n, bit_xor(hash(t)) AS h FROM ${qualified(rel.slice(0, dot), rel.slice(dot + 1))} t`,
          )
        )?.n;
        if (Number(n) !== e.rows) problems.push(`${rel}: ${n} rows, published with ${e.rows}`);
      }
    } finally {
      db.close();
    }
  } catch (e) {
    problems.push(`snapshot ${pointer.file} does not open: ${(e as Error).message.split("\n")[0]}`);
  }
  if (problems.length)
    return {
      ok: false,
      detail: `the published snapshot ${pointer.file} is damaged: ${problems.slice(0, 3).join("; ")}`,
      fix: "run `dp run`: it rebuilds and publishes a new verified snapshot",
    };
  let writer = "in use by a run; not read";
  if (writerFree && existsSync(project.paths.warehouse)) {
    try {
      const db = await Db.open(project.paths.warehouse, { readOnly: true, threads: project.config.warehouse.threads });
      try {
        await checkNotTruncated(db, project.paths.warehouse);
        const tables = await db.all<{ s: string; t: string }>(
          "SELECT schema_name AS s, table_name AS t FROM duckdb_tables() WHERE database_name = current_database()",
        );
        for (const t of tables) await db.one(`SELECT count(*), bit_xor(hash(x)) FROM ${qualified(t.s, t.t)} x`);
        writer = `${tables.length} tables read back`;
      } finally {
        db.close();
      }
    } catch (e) {
      return {
        ok: false,
        detail: `the warehouse file is damaged: ${(e as Error).message.split("\n")[0]}`,
        fix: "run `dp run`: it moves the file to warehouse/quarantine/, restores the last verified snapshot and rebuilds",
      };
    }
  }
  return {
    ok: true,
    detail: `published ${pointer.published_at} (run ${pointer.run_id}), ${Object.keys(manifest?.tables ?? {}).length + Object.keys(manifest?.inline ?? {}).length} tables verified; warehouse ${writer}`,
  };
}
