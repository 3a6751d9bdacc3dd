import { defineCommand } from "citty";
import { inferContract } from "../engine/transform/contract-infer.ts";
import { openProject, print, printJson, projectArgs } from "./_common.ts";

const infer = defineCommand({
  meta: {
    name: "infer",
    description: "a draft contract from the built model's columns and types",
    examples: [
      "dp contract infer mrr_monthly",
      "dp contract infer mrr_monthly --write   # into models/marts/marts.yml",
    ],
  },
  args: {
    ...projectArgs,
    model: { type: "positional", required: true, description: "model name" },
    write: {
      type: "boolean",
      description: "write it into the model's YAML (contract: true, column types)",
      default: false,
    },
  },
  async run({ args }) {
    const draft = await inferContract(openProject(args), args.model, { write: args.write });
    if (args.json) printJson(draft);
    else if (draft.written)
      print(`contract of ${draft.model} (${draft.columns.length} columns) written to ${draft.written}`);
    else print(`# paste under models: in the model's YAML, or rerun with --write\n${draft.yaml.trimEnd()}`);
  },
});

export default defineCommand({
  meta: {
    name: "contract",
    description: "model contracts: column names and types a build must keep",
    examples: ["dp contract infer mrr_monthly --write"],
  },
  subCommands: { infer },
});
