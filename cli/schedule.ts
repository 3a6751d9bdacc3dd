import { defineCommand } from "citty";
import { cronLine, installCron, uninstallCron } from "../engine/orchestrate/crontab.ts";
import { planDue } from "../engine/orchestrate/pipeline.ts";
import { openProject, print, printJson, projectArgs, table } from "./_common.ts";

const fileArg = {
  "crontab-file": { type: "string", description: "edit this file instead of the user's crontab", valueHint: "PATH" },
} as const;

export default defineCommand({
  meta: {
    name: "schedule",
    description: "what is due, and the crontab entry for `dp run --due`",
    examples: ["dp schedule status", "dp schedule install", "dp schedule install --print"],
  },
  subCommands: {
    install: defineCommand({
      meta: {
        name: "install",
        description: "write (or replace) the crontab line that runs `dp run --due` every 5 minutes",
        examples: [
          "dp schedule install",
          "dp schedule install --print              # only show the line",
          "dp schedule install --crontab-file /etc/cron.d/dp",
        ],
      },
      args: {
        ...projectArgs,
        ...fileArg,
        print: { type: "boolean", description: "only show the line", default: false },
      },
      run({ args }) {
        const project = openProject(args);
        if (args.print) return print(cronLine(project));
        const r = installCron(project, { file: args["crontab-file"] });
        if (args.json) return printJson(r);
        print(`${r.replaced ? "replaced" : "installed"}: ${r.line}`);
      },
    }),
    uninstall: defineCommand({
      meta: {
        name: "uninstall",
        description: "remove this project's crontab line",
        examples: ["dp schedule uninstall", "dp schedule uninstall --crontab-file /etc/cron.d/dp"],
      },
      args: { ...projectArgs, ...fileArg },
      run({ args }) {
        const removed = uninstallCron(openProject(args), { file: args["crontab-file"] });
        print(removed ? "removed" : "no dp entry for this project");
      },
    }),
    status: defineCommand({
      meta: {
        name: "status",
        description: "which sources and exports are due now",
        examples: ["dp schedule status", "dp schedule status --json"],
      },
      args: { ...projectArgs },
      run({ args }) {
        const plan = planDue(openProject(args));
        if (args.json) return printJson(plan);
        print(
          table([
            ...plan.sources.map((s) => ({ what: `source ${s.source}`, due: s.due ? "yes" : "no", why: s.reason })),
            ...plan.exports.map((x) => ({
              what: `export ${x.mart} → ${x.to}`,
              due: x.due ? "yes" : "no",
              why: x.reason,
            })),
          ]),
        );
      },
    }),
  },
});
