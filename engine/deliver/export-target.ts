import { existsSync, lstatSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { envRefsIn, interpolate } from "../config/env.ts";
import type { Project } from "../config/project.ts";
import { DpError } from "../errors.ts";
import { looksSecret, redact } from "../secrets.ts";

export type ExportTarget =
  | { kind: "sheets"; spreadsheetId: string; tab: string }
  | { kind: "csv" | "parquet"; path: string }
  | { kind: "stdout" };

/** A tab name as written; `%20`-style escapes are decoded when they are escapes, and "Growth 100%" stays itself. */
function tabName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function parseTarget(to: string, where = "--to", baseDir = process.cwd()): ExportTarget {
  const sheets = /^sheets:\/\/([^/]+)\/(.+)$/.exec(to);
  if (sheets) return { kind: "sheets", spreadsheetId: sheets[1]!, tab: tabName(sheets[2]!) };
  if (to === "-") return { kind: "stdout" };
  if (/\.csv$/i.test(to)) return { kind: "csv", path: resolve(baseDir, to) };
  if (/\.parquet$/i.test(to)) return { kind: "parquet", path: resolve(baseDir, to) };
  throw new DpError("USAGE", `cannot export to "${to}"`, {
    where,
    fix: "use sheets://SPREADSHEET_ID/TAB, FILE.csv, FILE.parquet or - (CSV on stdout)",
  });
}

/** Variables a source or an alert reads hold credentials: a target may never expand one (into a file name, a tab). */
function secretVariables(project: Project): Set<string> {
  const text = JSON.stringify([project.config.sources, project.config.alerts ?? null]);
  return new Set(envRefsIn(text).map((r) => r.name));
}

/** The real path `path` would have: symlinks of every existing ancestor (and of the file itself) resolved. */
export function realTarget(path: string): string {
  let dir = path;
  const rest: string[] = [];
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) break;
    rest.unshift(basename(dir));
    dir = parent;
  }
  let real = join(realpathSync(dir), ...rest);
  // a dangling symlink as the file itself: where it points is where the bytes would go
  if (!rest.length && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) real = realpathSync(path);
  return real;
}

export function insideProject(project: Project, path: string): boolean {
  const rel = relative(realpathSync(project.dir), realTarget(path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * Where an export really writes, decided once, before anything is read or written: ${VAR}s expanded
 * (never a secret one), the path resolved against `baseDir`, then every symlink followed; a file
 * target must land inside the project. The caller audits `display`, the resolved target redacted.
 */
export function resolveTarget(
  project: Project,
  to: string,
  options: { baseDir?: string; mart: string },
): { target: ExportTarget; display: string } {
  const secrets = secretVariables(project);
  for (const ref of envRefsIn(to)) {
    if (looksSecret(ref.name) || secrets.has(ref.name)) {
      throw new DpError("USAGE", `an export target never expands a secret: \${${ref.name}} is a credential`, {
        where: to,
        fix: `name the file or tab without \${${ref.name}}`,
      });
    }
  }
  const expanded = interpolate(to, "exports[].to", `the export of ${options.mart}`, false);
  if (redact(expanded) !== expanded) {
    throw new DpError("USAGE", "an export target never holds a secret's value", {
      where: redact(expanded),
      fix: "name the file or tab without it",
    });
  }
  const target = parseTarget(expanded, "--to", options.baseDir);
  if (target.kind === "stdout") return { target, display: "-" };
  if (target.kind === "sheets") return { target, display: redact(`sheets://${target.spreadsheetId}/${target.tab}`) };
  if (!insideProject(project, target.path)) {
    throw new DpError(
      "USAGE",
      `exports write inside the project only; ${redact(to)} resolves to ${redact(realTarget(target.path))}`,
      {
        where: project.dir,
        fix: "write under the project (e.g. exports/mart.csv), or export to stdout and redirect: `dp export MART --to - > FILE.csv`",
      },
    );
  }
  return { target, display: redact(realTarget(target.path)) };
}
