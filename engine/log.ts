import { createConsola, type ConsolaInstance } from "consola";
import { redact } from "./secrets.ts";

/** What a connector and the engine log through. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/** Human lines on a terminal; JSON lines when not a TTY or with --log-format json. */
export type LogFormat = "pretty" | "json";

let format: LogFormat = process.stderr.isTTY ? "pretty" : "json";
let quiet = false;
let consola: ConsolaInstance | undefined;

export function setLogFormat(f: LogFormat): void {
  format = f;
}
export function setQuiet(q: boolean): void {
  quiet = q;
}

/** Levels by rank: `DP_LOG=warn` keeps warn and error lines (a 500-model build's 500 progress lines go). */
const RANK = { debug: 0, info: 1, success: 1, warn: 2, error: 3 } as const;

/** The lowest level DP_LOG lets through (info when unset or unknown); DP_DEBUG=1 still adds the debug lines. */
function threshold(): number {
  const named = process.env.DP_LOG?.toLowerCase();
  return named && named in RANK ? RANK[named as keyof typeof RANK] : RANK.info;
}

function emit(
  level: "info" | "warn" | "debug" | "error" | "success",
  message: string,
  fields?: Record<string, unknown>,
): void {
  if (quiet && level !== "error" && level !== "warn") return;
  if (level === "debug" ? !process.env.DP_DEBUG : RANK[level] < threshold()) return;
  const text = redact(message);
  if (format === "json") {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, msg: text, ...fields });
    process.stderr.write(`${redact(line)}\n`);
    return;
  }
  consola ??= createConsola({ stdout: process.stderr, stderr: process.stderr, formatOptions: { date: false } });
  consola[level](text);
}

export const log = {
  info: (m: string, f?: Record<string, unknown>) => emit("info", m, f),
  success: (m: string, f?: Record<string, unknown>) => emit("success", m, f),
  warn: (m: string, f?: Record<string, unknown>) => emit("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => emit("error", m, f),
  debug: (m: string, f?: Record<string, unknown>) => emit("debug", m, f),
};

export function scopedLogger(scope: string): Logger {
  return {
    info: (m) => log.info(`${scope}: ${m}`, { scope }),
    warn: (m) => log.warn(`${scope}: ${m}`, { scope }),
    debug: (m) => log.debug(`${scope}: ${m}`, { scope }),
  };
}
