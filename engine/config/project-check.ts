import { closestName, didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import { looksSecret } from "../secrets.ts";
import { envRefsIn } from "./env.ts";
import type { ProjectConfig } from "./project-schema.ts";
import { keyPathString, type KeyPath } from "./yaml-file.ts";

/** What the checks read of a loaded project (project.ts calls them while it loads one). */
export interface CheckedProject {
  dir: string;
  config: ProjectConfig;
  locate(path: KeyPath): string;
}

/** A string in project.yaml with the key path it sits at. */
interface Leaf {
  path: KeyPath;
  value: string;
}

function leaves(value: unknown, path: KeyPath, out: Leaf[] = []): Leaf[] {
  // an explicit stack: a config may nest deeper than the call stack allows
  const stack: [unknown, KeyPath][] = [[value, path]];
  while (stack.length) {
    const [v, p] = stack.pop()!;
    if (typeof v === "string") out.push({ path: p, value: v });
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...p, i]]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) stack.push([x, [...p, k]]);
  }
  return out;
}

/** The parts of project.yaml that may read the environment, each with who needs it. */
function envReaders(project: CheckedProject): { leaves: Leaf[]; neededBy: string }[] {
  const c = project.config;
  return [
    ...Object.entries(c.sources).map(([name, s]) => ({
      leaves: leaves(s.config, ["sources", name, "config"]),
      neededBy: `source "${name}"`,
    })),
    { leaves: leaves(c.alerts ?? {}, ["alerts"]), neededBy: "alerts" },
    ...c.exports.map((x, i) => ({ leaves: leaves(x.to, ["exports", i, "to"]), neededBy: `the export of ${x.mart}` })),
  ];
}

const at = (project: CheckedProject, path: KeyPath) => `${project.locate(path)} (${keyPathString(path)})`;

/**
 * What makes every command refuse the project (exit 2), found when it loads, before any work:
 * a connector nobody registered, a secret written inline, a ${VAR} that is not set.
 * `connectors` is the registry's names; the config layer knows none itself.
 */
export function projectProblems(
  project: CheckedProject,
  connectors?: readonly string[],
  options: { requireEnv?: boolean } = {},
): DpError[] {
  const problems: DpError[] = [];
  if (connectors?.length) {
    for (const [name, source] of Object.entries(project.config.sources)) {
      if (connectors.includes(source.connector)) continue;
      problems.push(
        new DpError("CONFIG", `unknown connector "${source.connector}" for source "${name}"`, {
          where: at(project, ["sources", name, "connector"]),
          fix: didYouMean(source.connector, connectors, { quote: (s) => `"${s}"`, list: true }),
        }),
      );
    }
  }
  for (const { leaves: found, neededBy } of envReaders(project)) {
    for (const leaf of found) {
      const key = leaf.path.at(-1);
      const refs = envRefsIn(leaf.value);
      if (!refs.length && leaf.value !== "" && typeof key === "string" && looksSecret(key)) {
        problems.push(inlineSecret(project, leaf.path, neededBy));
      }
      for (const ref of refs) {
        if (options.requireEnv === false || ref.hasDefault || (process.env[ref.name] ?? "") !== "") continue;
        const near = closestName(ref.name, Object.keys(process.env));
        problems.push(
          new DpError("ENV_MISSING", `environment variable ${ref.name} is not set (needed by ${neededBy})`, {
            where: at(project, leaf.path),
            fix: `${near ? `${near} is set: did you mean "\${${near}}"? Else ` : ""}export ${ref.name}=... or add it to ${project.dir}/.env`,
          }),
        );
      }
    }
  }
  return problems;
}

/** Never quotes the value: naming the key and the ${ENV} form is enough to fix it. */
export function inlineSecret(project: CheckedProject, path: KeyPath, neededBy: string): DpError {
  const key = String(path.at(-1));
  const owner = path[0] === "sources" ? String(path[1]) : String(path[0]);
  const env = `${owner}_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return new DpError("CONFIG", `${keyPathString(path)} is a secret written into project.yaml (needed by ${neededBy})`, {
    where: at(project, path),
    fix: `secrets come only from the environment: put ${env}=... in ${project.dir}/.env (or export it) and write ${key}: "\${${env}}"`,
  });
}
