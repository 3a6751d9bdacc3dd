import { expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { inlineParams } from "../../bench/cases/ask.ts";
import { growthVerdict } from "../../bench/lib/report.ts";
import { repoRoot, tempDir } from "../helpers.ts";

test("bun run bench --scale tiny runs every case and writes the results table", () => {
  const dir = tempDir("dp-bench-test-");
  const out = join(dir, "RESULTS.md");
  const r = Bun.spawnSync(["bun", "run", "bench", "--scale", "tiny", "--out", out, "--json"], {
    cwd: repoRoot,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  expect({ code: r.exitCode, stderr: r.exitCode === 0 ? "" : r.stderr.toString().slice(-3000) }).toEqual({
    code: 0,
    stderr: "",
  });
  expect(existsSync(out)).toBe(true);
  const md = readFileSync(out, "utf8");
  expect(md).toContain("| case | dp | limit | ratio | goal | met | machine |");
  expect(md).toMatch(/\*\*Machine:\*\* .+, \d+ cores, \d+ GB RAM · Bun \d+\.\d+\.\d+ · DuckDB v\d/);
  expect(md).toContain("## Scaling from 1× to 10× input");
  const { results, errors } = JSON.parse(readFileSync(`${out}.json`, "utf8")) as {
    results: { case: string; dp: number; limit: number | null; ratio: number | null; goal: string }[];
    errors: unknown[];
  };
  expect(errors).toEqual([]);
  for (const prefix of [
    "startup: ",
    "plan: parse + DAG of 100 ",
    "plan: parse + DAG of 1,000 ",
    "ingest 20,000 records (≈1 KB, 1000/page) → raw Parquet; limit: DuckDB at its default settings",
    "ingest 20,000 records (≈1 KB, 1000/page) → raw Parquet; limit: DuckDB at dp's cap",
    "ingest 20,000 records through the Stripe connector",
    "memory: peak RSS of the 20,000-record ingest",
    "build: 50 trivial",
    "build: demo",
    "memory: peak RSS of the scaled build (default",
    "memory: peak RSS of the scaled build with",
    "memory: peak RSS of the demo generator",
    "demo generator: dp pull",
    "ask (offline)",
    "tool latency",
    "incremental dp run 15 minutes after the last, at 10×",
    "incremental dp run at 10×: bytes written",
    "warehouse file after 3 full rebuilds",
    "demo at 100×",
    "memory: peak RSS of the first dp run at 100×",
    "disk: the project after the first dp run at 100×",
  ]) {
    expect(results.map((c) => c.case).filter((c) => c.startsWith(prefix))).toHaveLength(1);
  }
  for (const c of results) {
    expect(c.dp).toBeGreaterThan(0);
    if (c.limit !== null) expect(c.ratio).toBeCloseTo(c.dp / c.limit, 6);
    expect(md).toContain(`| ${c.case} |`);
  }
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

test("the tool's SQL is inlined for dp sql with its bound values quoted", () => {
  expect(
    inlineParams("select $1, $2, $10 from t where x = $2", ["it's", 3, null, null, null, null, null, null, null, true]),
  ).toBe("select 'it''s', 3, true from t where x = 3");
});

test("scaling verdicts: 10× time growth is linear, memory within 1.5× is flat", () => {
  expect(growthVerdict({ what: "t", unit: "ms", x1: { input: "a", dp: 100 }, x10: { input: "b", dp: 900 } })).toMatch(
    /^linear/,
  );
  expect(growthVerdict({ what: "t", unit: "ms", x1: { input: "a", dp: 100 }, x10: { input: "b", dp: 1500 } })).toMatch(
    /^superlinear/,
  );
  expect(growthVerdict({ what: "m", unit: "MB", x1: { input: "a", dp: 200 }, x10: { input: "b", dp: 250 } })).toMatch(
    /^flat/,
  );
});
