import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalog } from "../../../engine/catalog/catalog.ts";
import { phraseIndex, primePhraseIndex } from "../../../engine/catalog/phrase-stems.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { stemsOf } from "../../../tools/planner/lexicon.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { phraseStems } from "../../../tools/planner/text.ts";
import { stemmerSourceHash } from "../../../scripts/build.ts";
import { repoRoot } from "../../helpers.ts";

const at = new Date("2026-11-21T06:00:00Z");
const VALUES = (): Map<string, string[]> =>
  new Map([
    ["mrr_by_plan_monthly.plan", ["Pro", "Starter", "Enterprise", "Growth"]],
    ["mrr_by_plan_monthly.currency", ["usd"]],
  ]);
// "startter" is a typo only a dimension value can correct
const QUESTION = "mrr for startter last month";

test("the planner's lexicon, cached per catalog, follows dimension values attached after a first question", () => {
  const fresh = loadCatalog(loadProject(repoRoot));
  fresh.dimensionValues = VALUES();
  const expected = planQuestion(QUESTION, fresh, at);
  expect(JSON.stringify(expected)).toContain("Starter");

  const late = loadCatalog(loadProject(repoRoot));
  const before = planQuestion(QUESTION, late, at);
  expect(JSON.stringify(before)).not.toContain("Starter");
  late.dimensionValues = VALUES();
  expect(planQuestion(QUESTION, late, at)).toEqual(expected);
});

test("cached stems are shared read-only: a caller cannot change what the next one reads", () => {
  const a = stemsOf("Churned customers");
  expect(stemsOf("Churned customers")).toBe(a);
  expect(() => (a as string[]).push("x")).toThrow();
  expect(stemsOf("Churned customers")).toEqual(["churn", "customer"]);
  const b = phraseStems("plan_tier");
  expect(() => (b as string[]).push("x")).toThrow();
  expect(phraseStems("plan_tier")).toEqual(["plan", "tier"]);
});

test("a snapshot's phrase index holds what the stemmers say; one written by other stemmers is not used", () => {
  const index = phraseIndex(["Net new MRR", "plan_tier", "Sales reps"]);
  for (const [p, raw, stems, match] of index.phrases) {
    expect(stems).toEqual(stemsOf(p));
    expect(match).toEqual(phraseStems(p));
    expect(raw).toEqual(p.replaceAll("_", " ").toLowerCase().split(" "));
  }
  primePhraseIndex({ stemmer: "another build", phrases: [["zz never stemmed", ["x"], ["x"], ["x"]]] });
  expect(stemsOf("zz never stemmed")).toEqual(["zz", "never", "stem"]);
  primePhraseIndex({ stemmer: index.stemmer, phrases: [["zz primed phrase", ["zz"], ["zz"], ["zz"]]] });
  expect(stemsOf("zz primed phrase")).toEqual(["zz"]);
});

test("the stemmers' id is their source file's text hashed, as scripts/build.ts defines it in the binary: a rebuild of dp that leaves the stemmers alone keeps a published snapshot's stems", () => {
  const source = readFileSync(join(repoRoot, "engine/catalog/phrase-stems.ts"), "utf8");
  expect(phraseIndex([]).stemmer).toBe(Bun.hash(source).toString(36));
  expect(stemmerSourceHash()).toBe(phraseIndex([]).stemmer);
});

test("a primed phrase answers for its lower-case and underscored spellings, which the planner asks for", () => {
  const { stemmer } = phraseIndex([]);
  // what the cache stores for "Zq Won_Amount" (deliberately not the stemmers' own output, to see it is read)
  primePhraseIndex({ stemmer, phrases: [["Zq Won_Amount", ["zqraw"], ["zqstem"], ["zqmatch"]]] });
  expect(stemsOf("zq won amount")).toEqual(["zqstem"]);
  expect(phraseStems("zq won_amount")).toEqual(["zqmatch"]);
  expect(phraseStems("Zq Won_Amount")).toEqual(["zqmatch"]);
  // a phrase not primed is stemmed as before, under each spelling
  expect(phraseStems("Won_Deals Count")).toEqual(["won", "deal", "count"]);
  expect(phraseStems("won deals count")).toEqual(["won", "deal", "count"]);
  expect(stemsOf("Sales_Reps")).toEqual(stemsOf("sales reps"));
});
