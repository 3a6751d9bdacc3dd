import { defineCommand } from "citty";
import { build } from "../engine/transform/build.ts";
import { catalogSidecar } from "../engine/catalog/catalog-cache.ts";
import { withRunLock } from "../engine/orchestrate/lock.ts";
import { ExitCode } from "../engine/errors.ts";
import { exitCodeFor, interruptible } from "../engine/orchestrate/interrupt.ts";
import { exitWith, openProject, print, printJson, projectArgs, selectorArgs } from "./_common.ts";
import { formatBuild } from "./_format-build.ts";

export default defineCommand({
  meta: {
    name: "build",
    description: "build staging and marts; tests guard every publish",
    examples: [
      "dp build",
      "dp build --select +mrr_monthly          # mrr_monthly and everything it reads",
      'dp build --select "staging.*+" --exclude stg_product__events+',
      "dp build --select source:stripe+ --full-refresh",
    ],
  },
  args: {
    ...projectArgs,
    ...selectorArgs,
    "retry-failed": {
      type: "boolean",
      description: "rebuild only what failed or was skipped in the last build, and its descendants",
      default: false,
    },
    "full-refresh": { type: "boolean", description: "rebuild incremental models from scratch", default: false },
    "fail-fast": { type: "boolean", description: "stop at the first failure", default: false },
  },
  async run({ args }) {
    const project = openProject(args);
    const { value: result, signal } = await interruptible((sig) =>
      withRunLock(project, "build", (runId) =>
        build(project, {
          runId,
          select: args.select,
          exclude: args.exclude,
          fullRefresh: args["full-refresh"],
          failFast: args["fail-fast"],
          retryFailed: args["retry-failed"],
          signal: sig,
          sidecar: catalogSidecar(project),
        }),
      ),
    );
    if (args.json) printJson(result);
    else print(formatBuild(result));
    exitWith(signal ? exitCodeFor(signal) : result.ok ? ExitCode.ok : ExitCode.failed);
  },
});
