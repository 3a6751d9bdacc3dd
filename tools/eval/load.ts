import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { DpError } from "../../engine/errors.ts";
import type { Project } from "../../engine/config/project.ts";
import { YamlFile } from "../../engine/config/yaml-file.ts";
import { evalFileSchema, type EvalCase, type EvalFile } from "./schema.ts";

export type EvalSet = "dev" | "holdout";
export const EVAL_SETS: EvalSet[] = ["dev", "holdout"];

export interface LoadedEvalFile extends EvalFile {
  path: string;
  /** evals/dev/ and evals/*.yaml are the questions we tune on; evals/holdout/ is written by someone who does not tune */
  set: EvalSet;
}

export interface EvalSuite {
  dir: string;
  threshold: number;
  files: LoadedEvalFile[];
}

export function evalsDir(project: Project): string {
  return join(project.dir, project.config.evals?.path ?? "evals");
}

function yamlIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * evals/*.yaml and evals/dev/*.yaml (set dev) and evals/holdout/*.yaml (set holdout), validated; ids are
 * unique across files. `sets` limits what is read: `--set dev` never opens the holdout files.
 */
export function loadEvalSuite(project: Project, sets: EvalSet[] = EVAL_SETS): EvalSuite {
  const dir = evalsDir(project);
  const threshold = project.config.evals?.threshold ?? 0.9;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DpError("CONFIG", `no eval directory at ${relative(project.dir, dir) || dir}`, {
      where: "project.yaml: evals.path",
      fix: "add evals/*.yaml with golden questions (dp init --demo ships examples), or point evals.path at them",
    });
  }
  const names: { file: string; set: EvalSet }[] = [
    ...(sets.includes("dev")
      ? [...yamlIn(dir), ...yamlIn(join(dir, "dev"))].map((file) => ({ file, set: "dev" as const }))
      : []),
    ...(sets.includes("holdout")
      ? yamlIn(join(dir, "holdout")).map((file) => ({ file, set: "holdout" as const }))
      : []),
  ];
  if (!names.length)
    throw new DpError(
      "CONFIG",
      `no *.yaml files in ${relative(project.dir, dir)}${sets.length === 1 ? ` for --set ${sets[0]}` : ""}`,
      {
        where: "project.yaml: evals.path",
        fix: "add an eval file, e.g. evals/metrics.yaml",
      },
    );
  const files = names.map((n) => {
    const file = YamlFile.read(n.file, project.dir);
    return { ...file.validate(evalFileSchema), path: file.displayPath, set: n.set };
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
