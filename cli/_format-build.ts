import type { BuildResult } from "../engine/transform/build.ts";
import type { TestResult } from "../engine/transform/testing/data-tests.ts";
import { color } from "./_common.ts";

export function formatTests(tests: TestResult[]): string[] {
  return tests
    .filter((t) => t.status !== "pass")
    .map((t) => {
      const mark = t.status === "warn" ? color.yellow("!") : color.red("✗");
      return `  ${mark} ${t.model}${t.column ? `.${t.column}` : ""} ${t.kind}: ${t.message}`;
    });
}

export function formatBuild(result: BuildResult): string {
  const lines: string[] = [];
  for (const m of result.models) {
    const mark =
      m.status === "success" ? color.green("✓") : m.status === "skipped" ? color.yellow("-") : color.red("✗");
    const tests = m.tests.length
      ? `, tests ${m.tests.filter((t) => t.status === "pass" || t.status === "warn").length}/${m.tests.length}`
      : "";
    lines.push(
      `${mark} ${m.schema}.${m.model}  ${m.status}${m.rows !== undefined ? `  ${m.rows} rows` : ""}${tests}  ${m.durationMs} ms`,
    );
    if (m.error) lines.push(`    ${m.error.replaceAll("\n", "\n    ")}${m.where ? `\n    at ${m.where}` : ""}`);
  }
  for (const line of formatTests(result.tests ?? [])) lines.push(line);
  const ok = result.models.filter((m) => m.status === "success").length;
  const tests = [...result.models.flatMap((m) => m.tests), ...(result.tests ?? [])];
  const passed = tests.filter((t) => t.status === "pass" || t.status === "warn").length;
  lines.push(
    `${ok}/${result.models.length} models built, tests ${passed}/${tests.length} passed in ${result.durationMs} ms`,
  );
  return lines.join("\n");
}
