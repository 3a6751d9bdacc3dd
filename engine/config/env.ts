import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DpError } from "../errors.ts";
import { registerSecret } from "../secrets.ts";

/** Load DIR/.env into process.env without overriding what is already set. */
export function loadDotEnv(dir: string): void {
  const file = join(dir, ".env");
  if (!existsSync(file)) return;
  for (const raw of readFileSync(file, "utf8").split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    if (process.env[m[1]!] === undefined) process.env[m[1]!] = value;
  }
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface EnvRef {
  name: string;
  /** `${VAR:-default}`: the variable may be unset */
  hasDefault: boolean;
}

export function envRefsIn(text: string): EnvRef[] {
  return [...text.matchAll(VAR)].map((m) => ({ name: m[1]!, hasDefault: m[2] !== undefined }));
}

export function envVarsIn(text: string): string[] {
  return envRefsIn(text).map((r) => r.name);
}

/**
 * Replace ${VAR} (or ${VAR:-default}) in every string of a config value.
 * `where` names the key path for the error (a function: found only for an error, project.locate costs ≈30 ms the
 * first time); `needer` names who needs it. Values read are registered
 * as secrets (redacted everywhere) unless `register` is false: an export target's ${HOME} is no secret.
 */
export function interpolate<T>(value: T, where: string | (() => string), needer: string, register = true): T {
  const at = () => (typeof where === "string" ? where : where());
  if (typeof value === "string") {
    return value.replace(VAR, (_all, name: string, fallback: string | undefined) => {
      const v = process.env[name];
      if (v === undefined || v === "") {
        if (fallback !== undefined) return fallback;
        throw new DpError("ENV_MISSING", `environment variable ${name} is not set (needed by ${needer})`, {
          where: at(),
          fix: `export ${name}=... or add it to the project's .env file`,
        });
      }
      if (register) registerSecret(v);
      return v;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, () => `${at()}[${i}]`, needer, register)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, () => `${at()}.${k}`, needer, register);
    return out as T;
  }
  return value;
}

/** Secrets come only from ${ENV}; find which variables hold this one so an auth error can name them. */
export function envVarsHolding(value: string | undefined): string[] {
  if (!value) return [];
  return Object.entries(process.env)
    .filter(([, v]) => v === value)
    .map(([k]) => k)
    .sort();
}
