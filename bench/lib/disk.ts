import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { limitConnection, lit } from "./limit-db.ts";

/** Bytes a file or directory tree takes on disk (allocated blocks, as `du` counts them). */
export function diskBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.blocks * 512;
  let sum = st.blocks * 512;
  for (const name of readdirSync(path)) {
    try {
      sum += diskBytes(join(path, name));
    } catch {
      // a file a running dp removed between readdir and stat
    }
  }
  return sum;
}

/** The warehouse file and its WAL, as a reader of the project would count "the warehouse". */
export function warehouseBytes(dir: string): number {
  const db = join(dir, "warehouse/dp.duckdb");
  return diskBytes(db) + diskBytes(`${db}.wal`);
}

/** Polls a directory's size while a command runs; stop() returns the largest size seen. */
export function diskPeak(path: string, everyMs = 1000): { stop(): number } {
  let peak = diskBytes(path);
  const timer = setInterval(() => (peak = Math.max(peak, diskBytes(path))), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, diskBytes(path));
    },
  };
}

/** Raw records in the project's lake, per `source.stream` and in all: whatever sources the project has. */
export async function rawRecords(dir: string): Promise<{ total: number; largest: { stream: string; n: number } }> {
  const raw = join(dir, "lake/raw");
  const { conn, close } = await limitConnection(":memory:");
  let total = 0;
  let largest = { stream: "", n: 0 };
  try {
    for (const source of existsSync(raw) ? readdirSync(raw) : []) {
      for (const stream of readdirSync(join(raw, source))) {
        const glob = join(raw, source, stream, "*", "*.parquet");
        const r = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet(${lit(glob)})`);
        const n = Number(r.getRowObjects()[0]!.n);
        total += n;
        if (n > largest.n) largest = { stream: `${source}.${stream}`, n };
      }
    }
  } finally {
    close();
  }
  return { total, largest };
}

export const mb = (bytes: number) => bytes / 2 ** 20;
