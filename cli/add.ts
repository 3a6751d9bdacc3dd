import { defineCommand } from "citty";
import { installPacks } from "../engine/config/pack.ts";
import { openProject, print, printJson, projectArgs } from "./_common.ts";
import { formatPackResults } from "./_format-packs.ts";

export default defineCommand({
  meta: {
    name: "add",
    description: "add a source and its model pack (staging, marts, metrics, tests, golden questions) as files you own",
    examples: ["dp add stripe", "dp add hubspot crm"],
  },
  args: {
    ...projectArgs,
    connector: { type: "positional", required: true, description: "stripe | hubspot" },
    name: { type: "positional", required: false, description: "the source's name (default: the connector's)" },
  },
  async run({ args }) {
    // adding files needs no secrets: STRIPE_API_KEY may be set after (the source block names it)
    const project = openProject(args, { requireEnv: false });
    const results = await installPacks(project.dir, [args.connector], args.name);
    if (args.json) return printJson(results);
    for (const line of formatPackResults(results)) print(line);
  },
});
