import { expect, test } from "bun:test";
import { repoRoot } from "./helpers.ts";

/** CI runs the formatter and the type checker as tests, so an unformatted or ill-typed file fails the run. */
test("every file is formatted (Biome, 120 columns) and imports nothing it does not use: `bun run format` fixes it", () => {
  const r = Bun.spawnSync(["bunx", "biome", "check", "--colors=off", "."], {
    cwd: repoRoot,
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(`${r.stdout}${r.stderr}`.split("\n").slice(0, 40).join("\n")).toContain("No fixes applied");
  expect(r.exitCode).toBe(0);
});

test("TypeScript strict type-checks", () => {
  const r = Bun.spawnSync(["bunx", "tsc", "--noEmit", "-p", "."], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  expect(r.stdout.toString()).toBe("");
  expect(r.exitCode).toBe(0);
}, 120_000);
