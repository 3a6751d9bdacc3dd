import { relative } from "node:path";
import { defineCommand } from "citty";
import { planModels } from "../engine/transform/dag.ts";
import { writeCompiledModels } from "../engine/transform/compile.ts";
import { select } from "../engine/transform/selector.ts";
import { openProject, print, printJson, projectArgs, selectorArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "compile",
    description: "write each model's compiled SQL to .dp/compiled/ (no warehouse needed)",
    examples: ["dp compile", "dp compile --select +mrr_monthly"],
  },
  args: { ...projectArgs, ...selectorArgs },
  async run({ args }) {
    const project = openProject(args);
    const graph = await planModels(project);
    const names = select(
      graph,
      { select: args.select, exclude: args.exclude },
      { projectDir: project.dir, projectName: project.config.name, modelsDir: project.paths.models },
    );
    const paths = await writeCompiledModels(project.paths.compiled, graph, names);
    const compiled = names.map((model, i) => ({ model, compiledPath: paths[i]! }));
    if (args.json) return printJson({ compiled });
    for (const c of compiled) print(relative(project.dir, c.compiledPath));
  },
});
