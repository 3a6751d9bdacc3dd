import { defineCommand } from "citty";
import { authorityMap } from "../tools/decide/authority-map.ts";
import { openProject, print, printJson, projectArgs, table } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "authority",
    description:
      "the decision authority map: every decision label, act tool, export and alert, with authority, threshold, owner",
    examples: ["dp authority", "dp authority --json"],
  },
  args: { ...projectArgs },
  async run({ args }) {
    const project = openProject(args);
    const map = authorityMap(project);
    if (args.json) return printJson(map);
    print(
      table(
        map.map((e) => ({ ...e, threshold: e.threshold ?? "", owner: e.owner ?? "", acts: e.acts ?? "" })),
        ["kind", "name", "authority", "threshold", "owner", "acts", "when"],
      ),
    );
    const costs = map.filter((e) => e.false_positive);
    if (costs.length)
      print(`\nwhat a wrong label costs:\n${costs.map((e) => `  ${e.name}: ${e.false_positive}`).join("\n")}`);
  },
});
