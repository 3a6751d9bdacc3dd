import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import { loadDotEnv, interpolate } from "./env.ts";
import { projectProblems } from "./project-check.ts";
import { projectSchema, type ProjectConfig, type SourceConfig } from "./project-schema.ts";
import { YamlFile, type KeyPath } from "./yaml-file.ts";

export const PROJECT_FILE = "project.yaml";
/** A hand-written project.yaml is a few KB; past this it is refused before parsing. */
export const MAX_PROJECT_BYTES = 1024 * 1024;

export interface LoadOptions {
  /** the registered connector names: a source naming another one is refused */
  connectors?: readonly string[];
  /** refuse the project on an unknown connector, an inline secret or an unset ${VAR} (default true); doctor lists them instead */
  check?: boolean;
  /** refuse an unset ${VAR} (default true); false for commands that only write files (dp add) */
  requireEnv?: boolean;
}

export interface Project {
  dir: string;
  file: YamlFile;
  config: ProjectConfig;
  paths: ProjectPaths;
  /** file:line for a key path inside project.yaml */
  locate(path: KeyPath): string;
  source(name: string): SourceConfig;
}

export interface ProjectPaths {
  lake: string;
  raw: string;
  state: string;
  models: string;
  warehouse: string;
  /** published read-only snapshots of the warehouse */
  snapshots: string;
  /** dp's private working dir: lock, run logs, compiled SQL */
  work: string;
  compiled: string;
  evals: string;
}

export function findProjectDir(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, PROJECT_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function loadProject(projectOption?: string, options: LoadOptions = {}): Project {
  const start = projectOption ?? process.cwd();
  const dir = projectOption ? resolve(projectOption) : findProjectDir(start);
  if (!dir || !existsSync(join(dir, PROJECT_FILE))) {
    throw new DpError(
      "CONFIG",
      `no ${PROJECT_FILE} found ${projectOption ? `in ${resolve(start)}` : `in ${resolve(start)} or any parent`}`,
      {
        where: resolve(start),
        fix: "run `dp init --demo` to create a demo project, or pass -C DIR",
      },
    );
  }
  loadDotEnv(dir);
  const file = YamlFile.read(join(dir, PROJECT_FILE), dir, MAX_PROJECT_BYTES);
  if (file.data === null || typeof file.data !== "object" || Array.isArray(file.data)) {
    throw new DpError("CONFIG", `${PROJECT_FILE} must be a mapping with at least a "name" key`, {
      where: file.displayPath,
      fix: "start from `dp init --demo`",
    });
  }
  const config = file.validate(projectSchema);
  const abs = (p: string) => (isAbsolute(p) || p.startsWith("md:") ? p : join(dir, p));
  const lake = abs(config.lake.path);
  const warehouse = abs(config.warehouse.path);
  const work = join(dir, ".dp");
  const paths: ProjectPaths = {
    lake,
    raw: join(lake, "raw"),
    state: join(lake, "state"),
    models: abs(config.models.path),
    warehouse,
    snapshots: join(dirname(warehouse), "snapshots"),
    work,
    compiled: join(work, "compiled"),
    evals: abs(config.evals?.path ?? "evals"),
  };
  const project: Project = {
    dir,
    file,
    config,
    paths,
    locate: (path) => file.locate(path),
    source(name: string) {
      const s = config.sources[name];
      if (!s) {
        throw new DpError("USAGE", `unknown source "${name}"`, {
          where: `${file.displayPath} sources`,
          fix: didYouMean(name, Object.keys(config.sources)),
        });
      }
      return s;
    },
  };
  if (options.check !== false) {
    const problem = projectProblems(project, options.connectors, { requireEnv: options.requireEnv })[0];
    if (problem) throw problem;
  }
  return project;
}

/** Interpolate ${VAR}s of one source's config, at the moment it is needed. */
export function resolveSourceConfig(project: Project, name: string): Record<string, unknown> {
  const source = project.source(name);
  return interpolate(
    source.config,
    () => `${project.locate(["sources", name, "config"])} (sources.${name}.config)`,
    `source "${name}"`,
  );
}
