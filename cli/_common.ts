import "../connectors/index.ts";
import { loadProject, type Project } from "../engine/config/project.ts";
import { redact } from "../engine/secrets.ts";
import { setLogFormat } from "../engine/log.ts";

/** Flags every command takes. */
export const projectArgs = {
  project: {
    type: "string",
    alias: "C",
    description: "project directory (default: nearest project.yaml upward)",
    valueHint: "DIR",
  },
  json: { type: "boolean", description: "machine-readable output", default: false },
  "log-format": {
    type: "string",
    description: "pretty | json (default: pretty on a terminal, json otherwise)",
    valueHint: "FORMAT",
  },
} as const;

export function openProject(args: { project?: string; "log-format"?: string }): Project {
  if (args["log-format"] === "json" || args["log-format"] === "pretty") setLogFormat(args["log-format"]);
  return loadProject(args.project);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`);
}

export function print(text: string): void {
  process.stdout.write(`${redact(text)}\n`);
}

const useColor = !process.env.NO_COLOR && process.stdout.isTTY;
export const color = {
  green: (s: string) => (useColor ? `\x1b[32m${s}\x1b[0m` : s),
  red: (s: string) => (useColor ? `\x1b[31m${s}\x1b[0m` : s),
  yellow: (s: string) => (useColor ? `\x1b[33m${s}\x1b[0m` : s),
  dim: (s: string) => (useColor ? `\x1b[2m${s}\x1b[0m` : s),
  bold: (s: string) => (useColor ? `\x1b[1m${s}\x1b[0m` : s),
};

/** Set the exit code without exiting, so pending output flushes. */
export function exitWith(code: number): void {
  process.exitCode = code;
}

export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  const widths = cols.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.slice(0, 60).padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [
    line(cols),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join("\n");
}
