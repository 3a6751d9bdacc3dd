import { defineCommand } from "citty";
import { checkSources, pull } from "../engine/ingest/pull.ts";
import { withRunLock } from "../engine/orchestrate/lock.ts";
import { projectOptionalReads } from "../engine/transform/source-streams.ts";
import { ExitCode } from "../engine/errors.ts";
import { exitCodeFor, interruptible } from "../engine/orchestrate/interrupt.ts";
import { color, exitWith, formatCount, openProject, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "pull",
    description: "run connectors into the raw lake",
    examples: ["dp pull", "dp pull stripe hubspot", "dp pull stripe --full-refresh"],
  },
  args: {
    ...projectArgs,
    sources: { type: "positional", required: false, description: "sources to pull (default: all)" },
    "full-refresh": { type: "boolean", description: "ignore cursors and pull everything again", default: false },
  },
  async run({ args }) {
    const project = openProject(args);
    const sources = args._.length ? args._ : undefined;
    // validated before SIGINT/SIGTERM are caught: a signal during validation still stops at once
    await checkSources(project, sources);
    const { value: results, signal } = await interruptible((sig) =>
      withRunLock(project, "pull", (runId) =>
        pull(project, {
          sources,
          fullRefresh: args["full-refresh"],
          signal: sig,
          runId,
          optional: projectOptionalReads(project),
        }),
      ),
    );
    const failed = results.filter((r) => r.status === "failed");
    if (args.json) printJson(results.map((r) => ({ ...r, error: r.error?.toJSON() })));
    else {
      for (const r of results) {
        print(
          `${r.status === "ok" ? color.green("✓") : color.red("✗")} ${r.source}: ${formatCount(r.rows)} rows${r.streams
            .map(
              (s) => `
    ${s.stream}: ${formatCount(s.rows)}${s.unchanged ? `  (${formatCount(s.unchanged)} read again unchanged)` : ""}${s.drift ? "  (schema drift)" : ""}${s.denied ? "  (skipped: no access)" : ""}`,
            )
            .join("")}`,
        );
        if (r.error) print(`  ${r.error.format().replaceAll("\n", "\n  ")}`);
      }
    }
    exitWith(signal ? exitCodeFor(signal) : failed.length ? ExitCode.failed : ExitCode.ok);
  },
});
