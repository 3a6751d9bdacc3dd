import { defineCommand } from "citty";
import { withRunLock } from "../engine/orchestrate/lock.ts";
import { ExitCode } from "../engine/errors.ts";
import { runTests } from "../engine/transform/testing/run-tests.ts";
import { catalogSidecar } from "../engine/catalog/catalog-cache.ts";
import { color, exitWith, openProject, print, printJson, projectArgs, selectorArgs } from "./_common.ts";
import { formatTests } from "./_format-build.ts";

export default defineCommand({
  meta: {
    name: "test",
    description: "data tests, contracts and source freshness",
    examples: ["dp test", "dp test --select marts", "dp test --unit --select stg_stripe__subscriptions"],
  },
  args: {
    ...projectArgs,
    ...selectorArgs,
    unit: {
      type: "boolean",
      description: "only the unit tests of model logic (given/expect rows; no lake needed)",
      default: false,
    },
  },
  async run({ args }) {
    const project = openProject(args);
    const result = await withRunLock(project, "test", () =>
      runTests(project, {
        select: args.select,
        exclude: args.exclude,
        unit: args.unit,
        sidecar: catalogSidecar(project),
      }),
    );
    if (args.json) printJson(result);
    else {
      const unbuilt = result.tests.filter((t) => t.kind === "exists");
      const tests = result.tests.filter((t) => t.kind !== "exists");
      if (unbuilt.length)
        print(
          `  ${color.red("✗")} ${unbuilt.length === 1 ? `${unbuilt[0]!.model} is` : `${unbuilt.length} models are`} not built yet: run \`dp build\` (or \`dp run\`) first`,
        );
      for (const line of formatTests(tests)) print(line);
      for (const f of result.freshness.filter((f) => f.status === "warn" || f.status === "error")) {
        print(
          `  ${f.status === "error" ? color.red("✗") : color.yellow("!")} source ${f.source} is stale (${f.status}: last pull ${f.lastSuccessAt ?? "never"}, owner ${f.owner ?? "unknown"})`,
        );
      }
      const passed = tests.filter((t) => t.status === "pass" || t.status === "warn").length;
      print(`tests: ${passed}/${tests.length} passed${result.ok ? "" : " — FAILED"}`);
    }
    exitWith(result.ok ? ExitCode.ok : ExitCode.failed);
  },
});
