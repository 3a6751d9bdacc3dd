import { defineCommand } from "citty";
import { getPack, installPacks } from "../engine/config/pack.ts";
import { scaffold } from "../engine/config/scaffold.ts";
import { print, printJson } from "./_common.ts";
import { formatPackResults } from "./_format-packs.ts";

export default defineCommand({
  meta: {
    name: "init",
    description: "scaffold a project; --demo uses the embedded demo source",
    examples: ["dp init acme", "dp init demo --demo && cd demo && dp run", "dp init acme --with stripe,hubspot"],
  },
  args: {
    dir: { type: "positional", required: false, description: "directory (default: .)", default: "." },
    demo: {
      type: "boolean",
      description: "the embedded demo company: sources, models, metrics, evals",
      default: false,
    },
    with: {
      type: "string",
      description: "model packs for real sources, comma-separated: stripe,hubspot",
      valueHint: "PACKS",
    },
    json: { type: "boolean", description: "machine-readable output", default: false },
  },
  async run({ args }) {
    const dir = args.dir ?? ".";
    const names = (args.with ?? "").split(",").flatMap((p) => (p.trim() ? [p.trim()] : []));
    // an unknown pack fails before anything is written
    await Promise.all(names.map((n) => getPack(n)));
    const files = await scaffold(dir, { demo: args.demo });
    const packs = names.length ? await installPacks(dir, names) : [];
    if (args.json) return printJson({ dir, files, packs });
    print(`created ${files.length} files in ${dir}`);
    for (const line of formatPackResults(packs)) print(line);
    print(
      args.demo
        ? `next: cd ${args.dir} && dp run && dp ask "churn last month?"`
        : packs.length
          ? `next: set the secrets project.yaml names (in ${dir}/.env), then \`cd ${dir} && dp run\``
          : `next: \`dp add stripe\` (or hubspot) in ${dir}, or add a source to ${dir}/project.yaml, then \`dp pull\``,
    );
  },
});
