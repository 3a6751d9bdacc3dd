import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { literal, type Db } from "../warehouse/duckdb.ts";
import { fsyncPath } from "../atomic-write.ts";
import { StateStore } from "./cursor-state.ts";

export interface Quarantined {
  source: string;
  stream: string;
  file: string;
  movedTo: string;
  reason: string;
}

const MAGIC = "PAR1";

/** Why a file is not whole Parquet (magic at both ends, a footer that fits), or undefined. */
export function parquetDefect(path: string): string | undefined {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size < 12) return `${size} bytes, too short for Parquet`;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(8);
    readSync(fd, head, 0, 4, 0);
    readSync(fd, tail, 0, 8, size - 8);
    if (head.toString("latin1") !== MAGIC) return "no Parquet header";
    if (tail.subarray(4).toString("latin1") !== MAGIC) return "no Parquet footer (truncated?)";
    const footer = tail.readUInt32LE(0);
    if (footer + 12 > size) return `footer of ${footer} bytes does not fit in ${size} bytes`;
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Move a broken raw file to lake/quarantine/ (same relative path) and forget the stream's cursor,
 * so the next pull re-reads what the file held (staging dedups) instead of every build failing on it.
 */
export function quarantineRawFile(lakeDir: string, stateDir: string, file: string, reason: string): Quarantined {
  const rawDir = join(lakeDir, "raw");
  const rel = relative(rawDir, file);
  const [source, stream] = rel.split(sep);
  const movedTo = join(lakeDir, "quarantine", rel);
  mkdirSync(dirname(movedTo), { recursive: true });
  renameSync(file, movedTo);
  fsyncPath(dirname(file));
  if (source && stream) {
    const store = new StateStore(stateDir);
    store.update(source, (s) => {
      const rec = s.streams[stream];
      if (rec) delete rec.state;
    });
  }
  return { source: source ?? "", stream: stream ?? "", file, movedTo, reason };
}

/** Check every raw file of the given streams; quarantine the broken ones. */
export function quarantineCorruptRaw(
  lakeDir: string,
  stateDir: string,
  streams: { source: string; stream: string }[],
): Quarantined[] {
  const out: Quarantined[] = [];
  const seen = new Set<string>();
  for (const { source, stream } of streams) {
    if (seen.has(`${source}.${stream}`)) continue;
    seen.add(`${source}.${stream}`);
    const dir = join(lakeDir, "raw", source, stream);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { recursive: true }).map(String)) {
      if (!f.endsWith(".parquet")) continue;
      const path = join(dir, f);
      const defect = parquetDefect(path);
      if (defect) out.push(quarantineRawFile(lakeDir, stateDir, path, defect));
    }
  }
  return out;
}

/** A full disk, a memory limit, too many open files: the machine's trouble, not the file's; never quarantine for it. */
function machineTrouble(message: string): boolean {
  return /No space left|Out of Memory|memory limit|Interrupt|Could not (?:write|create)|Permission denied|Too many open files/i.test(
    message,
  );
}

/** The raw file DuckDB names in a read error, if the error is about one. */
export function rawFileInError(message: string, lakeDir: string): string | undefined {
  if (machineTrouble(message)) return undefined;
  const rawDir = join(lakeDir, "raw") + sep;
  for (const m of message.matchAll(/"([^"]+\.parquet)"/g))
    if (m[1]!.startsWith(rawDir) && existsSync(m[1]!)) return m[1];
  return undefined;
}

/**
 * DuckDB's words for a file it could not decode; some name no file (Thrift errors in page headers
 * come as "Invalid Error: don't know what type"). Binder, parser and catalog errors are the model's.
 */
export function looksLikeUnreadableFile(message: string): boolean {
  return /^(Invalid Error|Invalid Input Error|IO Error|Serialization Error|INTERNAL Error)\b|TProtocolException|Failed to read file|Decompression|Corrupt|magic bytes|footer|not a parquet file/i.test(
    message.trim(),
  );
}

/** Read every row of each raw file of these streams, one file at a time; the first that fails. */
export async function findUnreadableRaw(
  db: Db,
  lakeDir: string,
  streams: { source: string; stream: string }[],
): Promise<{ file: string; reason: string } | undefined> {
  for (const { source, stream } of streams) {
    const dir = join(lakeDir, "raw", source, stream);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { recursive: true }).map(String)) {
      if (!f.endsWith(".parquet")) continue;
      const path = join(dir, f);
      try {
        await db.all(`SELECT max(hash(t)) AS h FROM read_parquet(${literal(path)}) t`);
      } catch (e) {
        const reason = (e as Error).message.split("\n")[0]!;
        if (machineTrouble(reason)) return undefined;
        return { file: path, reason };
      }
    }
  }
  return undefined;
}
