import { statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { Glob } from "bun";

/** One input file and what identifies its content, for skipping it next time. */
export interface SourceFile {
  /** the name kept in state and in `_dp_file`: project-relative path, or the URL without its query */
  key: string;
  /** the local file to read */
  localPath: string;
  fingerprint: Fingerprint;
}

export type Fingerprint = { size: number; mtime_ms: number } | { size: number; sha256: string };

export function sameFingerprint(a: Fingerprint | undefined, b: Fingerprint): boolean {
  if (!a) return false;
  if ("sha256" in b) return "sha256" in a && a.sha256 === b.sha256 && a.size === b.size;
  return "mtime_ms" in a && a.mtime_ms === b.mtime_ms && a.size === b.size;
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Files matching a glob (relative to projectDir, or absolute), sorted by path. */
export function listFiles(pattern: string, projectDir: string): SourceFile[] {
  const absolutePattern = isAbsolute(pattern) ? pattern : join(projectDir, pattern);
  const parts = absolutePattern.split(sep);
  const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
  const files: string[] = [];
  if (firstGlob === -1) {
    if (isFile(absolutePattern)) files.push(absolutePattern);
  } else {
    const root = parts.slice(0, firstGlob).join(sep) || sep;
    const rest = parts.slice(firstGlob).join("/");
    for (const f of new Glob(rest).scanSync({ cwd: root, absolute: true, onlyFiles: true })) files.push(f);
  }
  files.sort();
  return files.map((localPath) => {
    const st = statSync(localPath);
    const rel = relative(projectDir, localPath);
    return {
      key: rel.startsWith("..") || isAbsolute(rel) ? localPath : rel.split(sep).join("/"),
      localPath,
      fingerprint: { size: st.size, mtime_ms: Math.trunc(st.mtimeMs) },
    };
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
