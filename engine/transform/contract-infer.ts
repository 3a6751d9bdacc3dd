import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { withContract } from "./contract-yaml.ts";
import { loadModels, type Model } from "./models.ts";
import type { Project } from "../config/project.ts";
import { openReader } from "../warehouse/snapshots.ts";

export interface ContractDraft {
  model: string;
  columns: { name: string; type: string }[];
  /** the YAML entry, ready to paste under models: */
  yaml: string;
  /** the file --write changed */
  written?: string;
}

/** A draft contract from the built model's columns and types, read from the published snapshot. */
export async function inferContract(
  project: Project,
  name: string,
  options: { write?: boolean } = {},
): Promise<ContractDraft> {
  const graph = loadModels(project);
  const model = graph.models.get(name) ?? graph.models.get(name.slice(name.indexOf(".") + 1));
  if (!model) throw new DpError("USAGE", `no model named "${name}"`, { fix: didYouMean(name, graph.order) });
  const db = await openReader(project);
  let columns: { name: string; type: string }[];
  try {
    const rows = await db.all<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
      [model.schema, model.name],
    );
    columns = rows.map((r) => ({ name: r.column_name, type: r.data_type }));
  } finally {
    db.close();
  }
  if (!columns.length)
    throw new DpError("NOT_FOUND", `${model.schema}.${name} is not built`, {
      fix: `dp build --select ${name}`,
      exitCode: 1,
    });
  const declared = new Map(model.config.columns.map((c) => [c.name, c]));
  const entry = {
    name,
    contract: true,
    columns: columns.map((c) => {
      const d = declared.get(c.name);
      return {
        name: c.name,
        type: c.type,
        ...(d?.description ? { description: d.description } : {}),
        ...(d?.pii ? { pii: true } : {}),
        ...(d?.tests.length ? { tests: d.tests } : {}),
      };
    }),
  };
  const draft: ContractDraft = { model: name, columns, yaml: stringify([entry]) };
  if (options.write) draft.written = writeContract(project, model, columns);
  return draft;
}

/** Sets contract: true and the column types in the model's YAML entry; every other byte of the file stays. */
function writeContract(project: Project, model: Model, columns: { name: string; type: string }[]): string {
  const file = model.yamlWhere
    ? join(project.dir, model.yamlWhere.replace(/:\d+$/, ""))
    : join(project.paths.models, model.schema, `${model.name}.yml`);
  writeFileAtomic(file, withContract(existsSync(file) ? readFileSync(file, "utf8") : "", model.name, columns));
  return file;
}
