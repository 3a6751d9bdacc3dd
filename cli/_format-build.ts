import type { BuildResult } from "../engine/transform/build.ts";
import type { TestResult } from "../engine/transform/testing/data-tests.ts";
import { color, formatCount } from "./_common.ts";

export function formatTests(tests: TestResult[]): string[] {
  return tests
    .filter((t) => t.status !== "pass")
    .map((t) => {
      const mark = t.status === "warn" ? color.yellow("!") : color.red("✗");
      return `  ${mark} ${t.model}${t.column ? `.${t.column}` : ""} ${t.kind}: ${t.message}`;
    });
}

/**
 * After a build: what did not publish (with its error and where), then one summary line. Each model's
 * own line ("3 of 16 ✓ staging.stg_x …") was already printed as it finished, so it is not repeated.
 */
export function formatBuild(result: BuildResult): string {
  const lines: string[] = [];
  for (const m of result.models.filter((m) => m.status !== "success" && m.status !== "unchanged")) {
    const mark = m.status === "skipped" ? color.yellow("-") : color.red("✗");
    lines.push(`${mark} ${m.schema}.${m.model}  ${m.status}`);
    if (m.error) lines.push(`    ${m.error.replaceAll("\n", "\n    ")}${m.where ? `\n    at ${m.where}` : ""}`);
  }
  for (const m of result.models.filter((m) => m.memoryLimit && m.status === "success"))
    lines.push(
      `${color.yellow("!")} ${m.schema}.${m.model} ran out of memory under ${m.outOfMemoryAt?.join(", then ")} and was built with ${m.memoryLimit}: set warehouse.memory_limit: ${m.memoryLimit} in project.yaml to give it that from the start`,
    );
  for (const line of formatTests([...result.models.flatMap((m) => m.tests), ...(result.tests ?? [])])) lines.push(line);
  const ok = result.models.filter((m) => m.status === "success").length;
  const kept = result.models.filter((m) => m.status === "unchanged").length;
  const tests = [...result.models.flatMap((m) => m.tests), ...(result.tests ?? [])];
  const passed = tests.filter((t) => t.status === "pass" || t.status === "warn").length;
  lines.push(
    result.models.length
      ? `${ok}/${result.models.length} models built${kept ? `, ${kept} skipped: unchanged` : ""}, tests ${formatCount(passed)}/${formatCount(tests.length)} passed in ${formatCount(result.durationMs)} ms`
      : "nothing selected: no model to build",
  );
  return lines.join("\n");
}
