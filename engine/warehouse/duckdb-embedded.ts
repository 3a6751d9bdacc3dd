import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { DpError } from "../errors.ts";

/**
 * The compiled binary's DuckDB: scripts/build.ts embeds the N-API addon and
 * libduckdb as file assets and points `@duckdb/node-bindings` here. The addon
 * links libduckdb through RUNPATH $ORIGIN, so both are extracted once into the
 * same cache directory and the addon is dlopened from there.
 */
export interface EmbeddedNativeFile {
  /** file name in the cache directory, e.g. libduckdb.so */
  name: string;
  /** the embedded asset (a $bunfs path inside the binary) */
  asset: string;
  zstd: boolean;
  /** extracted size in bytes and Bun.hash of the extracted bytes (hex) */
  size: number;
  hash: string;
}

export interface EmbeddedNative {
  /** version plus content hash: one cache directory per DuckDB build */
  key: string;
  /** the N-API addon, one of files; the others are the libraries it links */
  addon: string;
  files: EmbeddedNativeFile[];
}

export function loadEmbeddedBinding(native: EmbeddedNative): unknown {
  const failures: string[] = [];
  for (const root of cacheRoots()) {
    const dir = join(root, native.key);
    try {
      mkdirSync(dir, { recursive: true });
      for (const file of native.files) ensureExtracted(dir, file);
      const module = { exports: {} as unknown };
      process.dlopen(module, join(dir, native.addon));
      return module.exports;
    } catch (e) {
      if (e instanceof DpError) throw e;
      failures.push(`${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new DpError("IO", `cannot load the embedded DuckDB engine (${failures.join("; ")})`, {
    fix: "set XDG_CACHE_HOME to a writable directory on a filesystem that allows executables",
  });
}

function cacheRoots(): string[] {
  const roots: string[] = [];
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) roots.push(join(xdg, "dp"));
  const home = homedir();
  if (home) roots.push(join(home, ".cache", "dp"));
  roots.push(join(tmpdir(), `dp-${process.getuid?.() ?? "user"}`));
  return [...new Set(roots)];
}

/**
 * A file at its final name is always complete: it only ever gets there by
 * rename(2) of a verified temp file, so concurrent first runs race harmlessly
 * (the last rename wins with identical bytes; a process that already mapped
 * the older inode keeps it).
 */
function ensureExtracted(dir: string, file: EmbeddedNativeFile): void {
  const target = join(dir, file.name);
  if (sizeOf(target) === file.size) return;
  removeAbandonedTemps(dir);
  const bytes = embeddedBytes(file);
  const temp = join(dir, `.${file.name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temp, bytes, { mode: 0o755 });
    if (sizeOf(temp) !== file.size) throw new Error(`short write to ${temp}`);
    renameSync(temp, target);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {}
    throw e;
  }
}

/** Temp files of runs killed mid-extraction; an hour is far beyond any live write. */
function removeAbandonedTemps(dir: string): void {
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(".") || !name.endsWith(".tmp")) continue;
    try {
      if (statSync(join(dir, name)).mtimeMs < cutoff) unlinkSync(join(dir, name));
    } catch {}
  }
}

function embeddedBytes(file: EmbeddedNativeFile): Uint8Array {
  const raw = readFileSync(file.asset);
  const bytes = file.zstd ? Bun.zstdDecompressSync(raw) : raw;
  if (bytes.length !== file.size || Bun.hash(bytes).toString(16) !== file.hash) {
    throw new DpError("INTERNAL", `the embedded ${file.name} does not match its build-time size and hash`, {
      fix: "rebuild dp with `bun run build` (the binary is damaged)",
    });
  }
  return bytes;
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
