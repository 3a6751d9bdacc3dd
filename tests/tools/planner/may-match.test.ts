import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { literalsOf, mayMatch, verifySkips } from "../../../tools/planner/may-match.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { repoRoot } from "../../helpers.ts";
import { DEMO_AT, demoCatalog } from "./demo-planner.ts";

const sorted = (xs: readonly (readonly string[])[]) => xs.map((a) => [...a].sort()).sort();

test.each<[RegExp, string[][]]>([
  [/\bhow\s+much\s+of\b/i, [["much"], ["how"]]],
  [/abc?def/, [["def"]]],
  [/x{10,200}yyy/, [["yyy"]]],
  [/foo|bar/, [["foo", "bar"]]],
  [/foo|ba/, []],
  [/(?:foo|bar) bazz/, [[" bazz"], ["foo", "bar"]]],
  [/\x41bcd/, [["bcd"]]],
  [/[a-z]+ month\b/, [[" month"]]],
  [/^Churn Rate$/i, [["churn rate"]]],
  [/(?<!\d)last month(?=\s)/g, [["last month"]]],
  [/(?=abc)def/, [["def"]]],
  [/(abc)?def/, [["def"]]],
  [/(abc)+def/, [["def"]]],
  [new RegExp("\\1234abc"), [["abc"]]],
  [/[(|]abc/, [["abc"]]],
  [/abc/u, []],
  [/abc/y, []],
])("literalsOf %p", (re, want) => {
  expect(sorted(literalsOf(re))).toEqual(sorted(want));
});

test("mayMatch is false only when the pattern cannot match", () => {
  expect(mayMatch(/\bHOW\s+much/i, "How MUCH is it")).toBe(true);
  expect(mayMatch(/\bhow\s+much/i, "what is it")).toBe(false);
  expect(mayMatch(/foo|bar/, "a bar")).toBe(true);
  expect(mayMatch(/foo|bar/, "a baz")).toBe(false);
});

afterAll(() => verifySkips(false));

test("no skipped pattern would have matched: the dev questions planned with every skip checked", () => {
  verifySkips(true);
  const catalog = demoCatalog();
  const dir = join(repoRoot, "evals/dev");
  let n = 0;
  for (const f of readdirSync(dir).sort()) {
    const doc = parse(readFileSync(join(dir, f), "utf8")) as { cases?: { question?: unknown }[] };
    // every fourth question: all of them take minutes from source
    for (const [i, c] of (doc.cases ?? []).entries())
      if (typeof c.question === "string" && i % 4 === 0) {
        planQuestion(c.question, catalog, DEMO_AT);
        n++;
      }
  }
  expect(n).toBeGreaterThan(500);
}, 600_000);
