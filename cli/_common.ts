import { connectorNames } from "../connectors/index.ts";
import Table from "cli-table3";
import stringWidth from "string-width";
import { loadProject, type Project } from "../engine/config/project.ts";
import { formatCount } from "../engine/format-count.ts";
import { setLogFormat } from "../engine/log.ts";
import { redact } from "../engine/secrets.ts";
import type { DpArgDef } from "./_argv.ts";

export { formatCount };

/** Flags every command takes. */
export const projectArgs = {
  project: {
    type: "string",
    alias: "C",
    description: "project directory (default: nearest project.yaml upward)",
    valueHint: "DIR",
  },
  json: { type: "boolean", description: "machine-readable output (snake_case; errors too)", default: false },
  "log-format": {
    type: "enum",
    options: ["pretty", "json"],
    description: "log lines on stderr (default: pretty on a terminal, json otherwise)",
  },
} satisfies Record<string, DpArgDef>;

/** A positive whole number, checked before the command runs (`runs -n abc` is exit 2). */
export const wholeNumber = (value: string) =>
  /^\d+$/.test(value) && Number(value) > 0 ? undefined : "a whole number above 0";

/** `--select` / `--exclude` in dbt's grammar: several words, repeatable. */
export const selectorArgs = {
  select: {
    type: "string",
    alias: "s",
    valueHint: "EXPR",
    variadic: true,
    description:
      "dbt's selector grammar: model, +model, model+2, @model, tag:x, path:dir, source:name, staging.*; space = union, comma = intersection",
  },
  exclude: {
    type: "string",
    valueHint: "EXPR",
    variadic: true,
    description: "remove these from the selection (same grammar)",
  },
} satisfies Record<string, DpArgDef>;

export function openProject(
  args: { project?: string; "log-format"?: string },
  options: { requireEnv?: boolean } = {},
): Project {
  if (args["log-format"] === "json" || args["log-format"] === "pretty") setLogFormat(args["log-format"]);
  return loadProject(args.project, { connectors: connectorNames(), ...options });
}

/**
 * Every `--json` goes through here: keys become snake_case at the print boundary, so engine objects keep
 * their TypeScript names (`durationMs` prints as `duration_ms`). Rows of data (`dp sql`, a tool's rows)
 * keep their column names.
 */
export function printJson(value: unknown, options: { data?: boolean } = {}): void {
  process.stdout.write(`${redact(JSON.stringify(options.data ? value : snakeKeys(value), null, 2))}\n`);
}

const DATA_KEYS = new Set(["rows"]);
const snake = (k: string) => k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function")
    return snakeKeys((value as { toJSON(): unknown }).toJSON());
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[snake(k)] = DATA_KEYS.has(k) ? v : snakeKeys(v);
  return out;
}

export function print(text: string): void {
  process.stdout.write(`${redact(text)}\n`);
}

/** Colour only on a terminal: never in a pipe or a file, never with NO_COLOR or TERM=dumb. */
export function colorEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  return !process.env.NO_COLOR && process.env.TERM !== "dumb" && Boolean(stream.isTTY);
}

const paint = (code: number, s: string) => (colorEnabled() ? `\x1b[${code}m${s}\x1b[0m` : s);
export const color = {
  green: (s: string) => paint(32, s),
  red: (s: string) => paint(31, s),
  yellow: (s: string) => paint(33, s),
  dim: (s: string) => paint(2, s),
  bold: (s: string) => paint(1, s),
};

/** Set the exit code without exiting, so pending output flushes. */
export function exitWith(code: number): void {
  process.exitCode = code;
}

const NO_BORDER = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};
const MAX_CELL = 60;

/**
 * Rows as aligned columns (cli-table3, borderless): widths count what the terminal shows, so colour codes
 * and wide characters do not shift a column; cells past 60 columns end in "…"; columns of numbers right-aligned.
 * Counts are the caller's to format (`formatCount`): a year or an id in `dp sql` stays as it is.
 */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  const body = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) =>
    Math.min(MAX_CELL, Math.max(stringWidth(c), ...body.map((r) => stringWidth(r[i]!)))),
  );
  const numeric = cols.map((_, i) => body.every((r) => r[i] === "" || /^-?[\d,]+(\.\d+)?$/.test(r[i]!)));
  const t = new Table({
    head: cols.map((c) => color.bold(c)),
    colWidths: widths,
    colAligns: numeric.map((n) => (n ? "right" : "left")),
    chars: NO_BORDER,
    style: { "padding-left": 0, "padding-right": 0, head: [], border: [], compact: true },
    wordWrap: false,
  });
  t.push(...body);
  return t
    .toString()
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
}
