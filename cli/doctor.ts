import { defineCommand } from "citty";
import { runDoctor } from "../engine/orchestrate/doctor.ts";
import { color, exitWith, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "doctor",
    description: "what is missing: secrets, lake, lock, LLM key, cron, disk",
    examples: ["dp doctor", "dp doctor --json"],
  },
  args: {
    ...projectArgs,
    "crontab-file": { type: "string", description: "check this file instead of the user's crontab", valueHint: "PATH" },
  },
  async run({ args }) {
    const report = await runDoctor({ project: args.project, crontabFile: args["crontab-file"] });
    if (args.json) printJson(report);
    else {
      const icon = { ok: color.green("✓"), warn: color.yellow("!"), fail: color.red("✗") };
      for (const c of report.checks)
        print(`${icon[c.status]} ${c.name}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ""}`);
      print(report.ok ? "ok" : "something required is missing");
    }
    exitWith(report.exit_code);
  },
});
