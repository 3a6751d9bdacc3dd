import { defineCommand } from "citty";
import { pathToFileURL } from "node:url";
import { buildDocsSite } from "../engine/deliver/docs/site.ts";
import { openProject, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "docs",
    description: "a static site: dashboards, one page per model (SQL, columns, tests), search, lineage (opens offline)",
    examples: ["dp docs", "dp docs --out site/"],
  },
  args: {
    ...projectArgs,
    out: { type: "string", description: "output folder (default: .dp/docs)", valueHint: "DIR" },
  },
  async run({ args }) {
    const site = await buildDocsSite(openProject(args), { out: args.out });
    if (args.json) printJson(site);
    else
      print(
        `docs: ${site.dashboards} dashboards (${site.charts} charts), ${site.models} models, ${site.tests} tests → ${pathToFileURL(site.index).href}`,
      );
  },
});
