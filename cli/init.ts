import { defineCommand } from "citty";
import { scaffold } from "../engine/config/scaffold.ts";
import { print, printJson } from "./_common.ts";

export default defineCommand({
  meta: { name: "init", description: "scaffold a project; --demo uses the embedded demo source" },
  args: {
    dir: { type: "positional", required: false, description: "directory (default: .)", default: "." },
    demo: {
      type: "boolean",
      description: "the embedded demo company: sources, models, metrics, evals",
      default: false,
    },
    json: { type: "boolean", default: false },
  },
  async run({ args }) {
    const files = await scaffold(args.dir ?? ".", { demo: args.demo });
    if (args.json) return printJson({ dir: args.dir, files });
    print(`created ${files.length} files in ${args.dir}`);
    print(
      args.demo
        ? `next: cd ${args.dir} && dp run && dp ask "churn last month?"`
        : `next: add a source to ${args.dir}/project.yaml, then \`dp pull\``,
    );
  },
});
