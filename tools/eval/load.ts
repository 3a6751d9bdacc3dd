import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { DpError } from "../../engine/errors.ts";
import type { Project } from "../../engine/config/project.ts";
import { YamlFile } from "../../engine/config/yaml-file.ts";
import { evalFileSchema, type EvalCase, type EvalFile } from "./schema.ts";

export interface LoadedEvalFile extends EvalFile {
  path: string;
}

export interface EvalSuite {
  dir: string;
  threshold: number;
  files: LoadedEvalFile[];
}

export function evalsDir(project: Project): string {
  return join(project.dir, project.config.evals?.path ?? "evals");
}

/** evals/*.yaml of the project, validated; ids are unique across files. */
export function loadEvalSuite(project: Project): EvalSuite {
  const dir = evalsDir(project);
  const threshold = project.config.evals?.threshold ?? 0.9;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DpError("CONFIG", `no eval directory at ${relative(project.dir, dir) || dir}`, {
      where: "project.yaml: evals.path",
      fix: "add evals/*.yaml with golden questions (dp init --demo ships examples), or point evals.path at them",
    });
  }
  const names = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  if (!names.length)
    throw new DpError("CONFIG", `no *.yaml files in ${relative(project.dir, dir)}`, {
      where: "project.yaml: evals.path",
      fix: "add an eval file, e.g. evals/metrics.yaml",
    });
  const files = names.map((n) => {
    const file = YamlFile.read(join(dir, n), project.dir);
    return { ...file.validate(evalFileSchema), path: file.displayPath };
  });
  const seen = new Map<string, string>();
  for (const f of files) {
    for (const c of f.cases) {
      const other = seen.get(c.id);
      if (other)
        throw new DpError("CONFIG", `eval id "${c.id}" appears twice`, {
          where: `${f.path} and ${other}`,
          fix: "give each case its own id",
        });
      seen.set(c.id, f.path);
    }
  }
  return { dir, threshold, files };
}

export function matchesFilter(c: EvalCase, filter: string | undefined): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return [c.id, c.question, ...c.tags].some((s) => s.toLowerCase().includes(f));
}
