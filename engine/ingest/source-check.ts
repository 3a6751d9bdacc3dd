import { envRefsIn } from "../config/env.ts";
import { inlineSecret } from "../config/project-check.ts";
import type { Project } from "../config/project.ts";
import type { KeyPath } from "../config/yaml-file.ts";
import type { ConnectorDefinition } from "./connector.ts";

/** The values at a dotted secretKeys path ("authentication.token", "streams.*.password") with their key paths. */
function valuesAt(value: unknown, parts: string[], path: KeyPath): { path: KeyPath; value: unknown }[] {
  if (!parts.length) return [{ path, value }];
  if (value === null || typeof value !== "object") return [];
  const [head, ...rest] = parts;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  if (head === "*" || Array.isArray(value)) {
    // a list is transparent: "streams.password" reads every stream's password
    const next = Array.isArray(value) && head !== "*" ? parts : rest;
    return entries.flatMap(([k, v]) => valuesAt(v, next, [...path, k]));
  }
  return head! in (value as object) ? valuesAt((value as Record<string, unknown>)[head!], rest, [...path, head!]) : [];
}

/**
 * A connector's `secretKeys` are enforced here, on the config as written (before ${VAR} expansion):
 * a secret key whose value reads no ${ENV} is refused, exit 2, without quoting the value.
 */
export function assertSecretsFromEnv(project: Project, name: string, connector: ConnectorDefinition<any>): void {
  const raw = project.source(name).config;
  for (const key of connector.secretKeys ?? []) {
    for (const found of valuesAt(raw, key.split("."), ["sources", name, "config"])) {
      if (typeof found.value !== "string" || found.value === "" || envRefsIn(found.value).length) continue;
      throw inlineSecret(project, found.path, `source "${name}"`);
    }
  }
}
