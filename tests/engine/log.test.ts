import { expect, test } from "bun:test";
import { join } from "node:path";

const LOG = join(import.meta.dir, "../../engine/log.ts");

/** The levels of the JSON lines a process logging one line at each level writes, under the given environment. */
function levels(env: Record<string, string>): string[] {
  const r = Bun.spawnSync(
    [
      "bun",
      "-e",
      `import { log } from ${JSON.stringify(LOG)}; log.debug("d"); log.info("i"); log.success("s"); log.warn("w"); log.error("e");`,
    ],
    { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stderr: "pipe", stdout: "pipe" },
  );
  expect(r.exitCode).toBe(0);
  return r.stderr
    .toString()
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { level: string }).level);
}

test("DP_LOG is the lowest level written (info when unset or unknown); DP_DEBUG adds the debug lines", () => {
  expect(levels({})).toEqual(["info", "success", "warn", "error"]);
  expect(levels({ DP_LOG: "bogus" })).toEqual(["info", "success", "warn", "error"]);
  expect(levels({ DP_LOG: "warn" })).toEqual(["warn", "error"]);
  expect(levels({ DP_LOG: "ERROR" })).toEqual(["error"]);
  expect(levels({ DP_DEBUG: "1" })).toEqual(["debug", "info", "success", "warn", "error"]);
  expect(levels({ DP_DEBUG: "1", DP_LOG: "warn" })).toEqual(["debug", "warn", "error"]);
});
