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

function emit(
  level: "info" | "warn" | "debug" | "error" | "success",
  message: string,
  fields?: Record<string, unknown>,
): void {
  if (quiet && level !== "error" && level !== "warn") return;
  if (level === "debug" && !process.env.DP_DEBUG) return;
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
