import { defineCommand } from "citty";
import { ExitCode } from "../engine/errors.ts";
import { withRunLock } from "../engine/orchestrate/lock.ts";
import { rotateCronLog } from "../engine/orchestrate/crontab.ts";
import { runPipeline } from "../engine/orchestrate/pipeline.ts";
import { checkSources } from "../engine/ingest/pull.ts";
import { exitCodeFor, interruptible } from "../engine/orchestrate/interrupt.ts";
import { decisionServices } from "../tools/decide/services.ts";
import { color, exitWith, formatCount, openProject, print, printJson, projectArgs, selectorArgs } from "./_common.ts";
import { formatTests } from "./_format-build.ts";

export default defineCommand({
  meta: {
    name: "run",
    description: "pull + build + test + exports + alerts; what cron calls",
    examples: [
      "dp run",
      "dp run --due                # what cron runs every 5 minutes",
      "dp run --select marts --no-exports",
    ],
  },
  args: {
    ...projectArgs,
    due: { type: "boolean", description: "only the sources and exports whose schedule is due", default: false },
    ...selectorArgs,
    exports: { type: "boolean", description: "run the project's exports (--no-exports to skip)", default: true },
    offline: {
      type: "boolean",
      description: "decide with the decision files' rules even when ANTHROPIC_API_KEY is set",
      default: false,
    },
  },
  async run({ args }) {
    const project = openProject(args);
    if (args.due) rotateCronLog(project);
    // validated before SIGINT/SIGTERM are caught: a signal during validation still stops at once
    await checkSources(project);
    const { value: result, signal } = await interruptible((sig) =>
      withRunLock(project, args.due ? "run --due" : "run", (runId) =>
        runPipeline(project, {
          select: args.select,
          exclude: args.exclude,
          due: args.due,
          exports: args.exports,
          signal: sig,
          runId,
          decisions: decisionServices(project, { offline: args.offline }),
        }),
      ),
    );
    if (args.json) printJson(result);
    else {
      for (const s of result.steps)
        print(
          `${s.status === "ok" ? color.green("✓") : s.status === "skipped" ? color.dim("-") : color.red("✗")} ${s.step}: ${s.detail ?? s.status} (${formatCount(s.durationMs)} ms)`,
        );
      for (const p of result.pull.filter((p) => p.error))
        print(`  ${p.source}: ${p.error!.format().replaceAll("\n", "\n  ")}`);
      for (const m of result.build?.models.filter((m) => m.status === "failed") ?? [])
        print(`  ${m.model}: ${m.error}${m.where ? `\n    at ${m.where}` : ""}`);
      for (const d of result.decisions.filter((d) => d.where || d.fix))
        print(`  ${d.decision}:${d.where ? ` at ${d.where}` : ""}${d.fix ? `\n    fix: ${d.fix}` : ""}`);
      for (const x of result.exports.filter((x) => x.status === "failed"))
        print(`  export ${x.mart} → ${x.to}: ${x.error}`);
      for (const line of formatTests(result.build?.models.flatMap((m) => m.tests) ?? [])) print(line);
      print(`${result.status}: run ${result.runId} in ${formatCount(result.durationMs)} ms`);
    }
    exitWith(signal ? exitCodeFor(signal) : result.ok ? ExitCode.ok : ExitCode.failed);
  },
});
