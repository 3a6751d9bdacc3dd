import { defineCommand } from "citty";
import { buildBrief, postBrief } from "../tools/brief/brief.ts";
import { openProject, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "brief",
    description: "the brief metrics vs the previous period, to stdout or Slack",
    examples: ["dp brief", 'dp brief --period "last week"', "dp brief --post"],
  },
  args: {
    ...projectArgs,
    post: { type: "boolean", description: "post to alerts.slack_webhook instead of printing", default: false },
    period: {
      type: "string",
      description: 'e.g. "last month", "last week" (default: each metric\'s last full period)',
    },
  },
  async run({ args }) {
    const project = openProject(args);
    const brief = await buildBrief(project, { period: args.period });
    if (args.post) await postBrief(project, brief);
    if (args.json) return printJson(brief);
    print(
      args.post
        ? `posted ${brief.lines.length} metrics and ${brief.decisions.length} decisions to Slack`
        : brief.text.replace(/^\*(.*)\*$/gm, "$1"),
    );
  },
});
