import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { STORED_LITERALS } from "../../../tools/planner/may-match.generated.ts";
import { collectPatterns, literalsOf, mayMatch, verifySkips } from "../../../tools/planner/may-match.ts";
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
  // (patterns read from their source, as the generator does: these are in no stored table)
  collectPatterns(true);
  expect(mayMatch(/\bHOW\s+much/i, "How MUCH is it")).toBe(true);
  expect(mayMatch(/\bhow\s+much/i, "what is it")).toBe(false);
  expect(mayMatch(/foo|bar/, "a bar")).toBe(true);
  expect(mayMatch(/foo|bar/, "a baz")).toBe(false);
  collectPatterns(false);
  // a pattern the table does not hold always runs
  expect(mayMatch(/\bnot\s+in\s+the\s+table\b/, "churn last month?")).toBe(true);
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

test("the stored table says of each pattern what its source says (scripts/gen-may-match.ts)", () => {
  for (const [key, need] of Object.entries(STORED_LITERALS)) {
    const slash = key.indexOf("/");
    const re = new RegExp(key.slice(slash + 1), key.slice(0, slash));
    expect(sorted(literalsOf(re))).toEqual(sorted(need));
  }
  expect(Object.keys(STORED_LITERALS).length).toBeGreaterThan(300);
});
