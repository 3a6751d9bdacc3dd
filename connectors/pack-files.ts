import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { ModelPack } from "../engine/config/pack.ts";

/**
 * A pack's files from its folder (`connectors/<name>/pack/`): `source.yaml` is the source block, and
 * everything under `models/` and `evals/` is written into the project at the same relative path.
 */
export function packFromFolder(meta: Omit<ModelPack, "files" | "source">, folder: string): ModelPack {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(sql|ya?ml)$/.test(entry)) files[relative(folder, p)] = readFileSync(p, "utf8");
    }
  };
  for (const sub of ["models", "evals"]) if (existsSync(join(folder, sub))) walk(join(folder, sub));
  const source = join(folder, "source.yaml");
  return { ...meta, files, ...(existsSync(source) ? { source: readFileSync(source, "utf8") } : {}) };
}
