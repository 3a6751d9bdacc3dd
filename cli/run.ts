import { defineCommand } from "citty";
import { ExitCode } from "../engine/errors.ts";
import { withRunLock } from "../engine/lock.ts";
import { runPipeline } from "../engine/run.ts";
import { color, exitWith, openProject, print, printJson, projectArgs } from "./common.ts";
import { formatTests } from "./format-build.ts";

export default defineCommand({
  meta: { name: "run", description: "pull + build + test + exports + alerts; what cron calls" },
  args: {
    ...projectArgs,
    select: { type: "string", alias: "s", description: "limit the build to these models" },
  },
  async run({ args }) {
    const project = openProject(args);
    const result = await withRunLock(project, "run", () => runPipeline(project, { select: args.select }));
    if (args.json) printJson(result);
    else {
      for (const s of result.steps) print(`${s.status === "ok" ? color.green("✓") : color.red("✗")} ${s.step}: ${s.detail ?? s.status} (${s.durationMs} ms)`);
      for (const p of result.pull.filter((p) => p.error)) print(`  ${p.source}: ${p.error!.format().replaceAll("\n", "\n  ")}`);
      for (const m of result.build?.models.filter((m) => m.status === "failed") ?? []) print(`  ${m.model}: ${m.error}${m.where ? `\n    at ${m.where}` : ""}`);
      const tests = result.build?.models.flatMap((m) => m.tests) ?? [];
      for (const line of formatTests(tests)) print(line);
      const passed = tests.filter((t) => t.status === "pass" || t.status === "warn").length;
      print(`${result.ok ? "ok" : "FAILED"}: tests ${passed}/${tests.length} passed, run ${result.runId} in ${result.durationMs} ms`);
    }
    exitWith(result.ok ? ExitCode.ok : ExitCode.failed);
  },
});
