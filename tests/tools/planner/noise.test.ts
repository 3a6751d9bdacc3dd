import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { withoutNoise } from "../../../tools/planner/noise.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog } from "./demo-planner.ts";
import { changedReadings, type Changed, hash, noiseFixture, refusedQuestions, sampleOf } from "./noise-sample.ts";

/**
 * The noise people type around a question (tests/fixtures/question-noise.yaml: greetings, "@dp", "quick q", "can you
 * pull", "for the board deck", "thanks!", emoji, capitals, "sooo") changes nothing of its reading: metric, period,
 * filters, grain, dimension, or the kind of refusal. Planned over the demo's own catalog at 2026-11-21. Pure.
 *
 * Tuning sample: the answerable questions of evals/*.yaml and evals/dev/*.yaml (never the holdout) whose id hashes
 * to 0 mod 7 (98 questions), each in 5 of the fixture's `frames` chosen by hash (490 wrapped questions).
 *   before branch trust10: 263/490 wrapped questions (53.7%) read differently from the bare question — almost all
 *     asked back (a word it could not place: "dp", "ballpark", "deck", "asap", "🙏"), and some read as another
 *     question ("… thanks for the help!" listed the metrics; "can you help me with …" too)
 *   after (tools/planner/noise.ts): 0/490; all 40 frames on the same 98 questions (3,920): 0 changed
 * Held-out sample: the answerable questions whose id hashes to 3 mod 7 (104), each in 5 of the fixture's
 * `heldout_frames` (520), both written down before the fix and not run while tuning; run once at the end:
 *   before branch trust10: 340/520 (65.4%) read differently; its refused/asked-back questions 7/120 (none answered)
 *   after, first run: 32/520 (6.2%), every one asked back, none a different number — all in two frames whose words
 *     the catalog also has: "could you quickly pull" ("quickly" is a word of first response time) and "no rush"
 *     ("no" a value); refused/asked back 0/120
 *   after reading a frame's fixed slots as the frame's (no longer blind): 0/520, 0/120 — kept below as a regression
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});

function report(changed: Changed[]): string {
  return changed.map((c) => `${c.wrapped}\n   bare:    ${c.before}\n   wrapped: ${c.after}`).join("\n");
}

describe("noise around a question keeps its reading", () => {
  test("the tuning sample: ≥ 80 answerable dev questions in 5 frames each, none read differently", () => {
    const sample = sampleOf(0, 7);
    expect(sample.length).toBeGreaterThanOrEqual(80);
    const { changed, wrapped } = changedReadings(planQuestion, catalog, DEMO_AT, sample, noiseFixture().frames, 5);
    expect(wrapped).toBe(sample.length * 5);
    expect(report(changed)).toBe("");
  }, 60_000);

  test("a question refused or asked back bare is refused or asked back the same way in every frame (a fifth of them, 4 frames each)", () => {
    const sample = refusedQuestions().filter((c) => hash(c.id) % 5 === 0);
    expect(sample.length).toBeGreaterThanOrEqual(30);
    const { changed } = changedReadings(planQuestion, catalog, DEMO_AT, sample, noiseFixture().frames, 4);
    expect(report(changed)).toBe("");
  }, 60_000);
});

describe("the held-out frames (run once at the end of branch trust10; a regression test since)", () => {
  test("104 other answerable questions in 5 held-out frames each: none read differently", () => {
    const sample = sampleOf(3, 7);
    const { changed, wrapped } = changedReadings(
      planQuestion,
      catalog,
      DEMO_AT,
      sample,
      noiseFixture().heldout_frames,
      5,
    );
    expect(wrapped).toBe(sample.length * 5);
    expect(report(changed)).toBe("");
  }, 60_000);
});

describe("words that mean something are never noise", () => {
  test.each([
    // filter, comparison and negation words keep their place
    ["just pro mrr", "just pro mrr"],
    ["only enterprise customers", "only enterprise customers"],
    ["mrr not counting pro", "mrr not counting pro"],
    ["new customers last month", "new customers last month"],
    ["top 3 plans by mrr", "top 3 plans by mrr"],
    ["mrr over time", "mrr over time"],
    ["mrr per customer", "mrr per customer"],
    ["customers except enterprise", "customers except enterprise"],
    ["mrr without pro", "mrr without pro"],
    // "more or less" first is a comparison; "so far" is a period; "deal" in "deal size" is the catalog's
    ["more or less deals in october than september", "more or less deals in october than september"],
    ["so far this year, new mrr", "so far this year, new mrr"],
    ["what's the deal size last quarter", "what's the deal size last quarter"],
    // a frame holding a catalog or period word is kept whole (the Q3 board deck may be asking for Q3)
    ["mrr for the q3 board deck", "mrr for the q3 board deck"],
    // "send me" asks for an action (dp ask only reads), never stripped
    ["send me mrr by plan", "send me mrr by plan"],
    // a slip is brought back only inside a frame: "world" is never read as "would", "questions" stay plural
    ["new mrr rest of world", "new mrr rest of world"],
    ["tickets excluding billing questions last month", "tickets excluding billing questions last month"],
    ["what's acme corp's mrr", "what's acme corp's mrr"],
    // nothing but noise: the question as typed
    ["thanks!", "thanks!"],
    ["how quickly do we respond to tickets", "how quickly do we respond to tickets"],
    // "how are you doing on churn" asks about churn: a greeting only when punctuation ends it
    ["how are you doing on churn this quarter", "how are you doing on churn this quarter"],
  ])("%p stays %p", (typed, kept) => {
    expect(withoutNoise(typed, catalog)).toBe(kept);
  });

  test.each([
    ["hey dp! quick q — what was mrr last month?? thanks!! 🙏", "what was mrr last month"],
    ["<@U04DPBOT> sooo, can you pull churn for me? need it by tuesday", "churn"],
    ["What's the deal with win rate :eyes:", "win rate"],
    ["what was, um, mrr in october tbh", "what was mrr in october"],
    [
      "heyyy just curious which plan has the most customers? it's for the investor update",
      "which plan has the most customers",
    ],
    ["i was wondering if you could tell me our churn rate in september :)", "our churn rate in september"],
    ["is there a way to see arr by plan? lmk", "arr by plan"],
    ["pls help me figure out new customers in q3, thank u!!", "new customers in q3"],
    ["sanity check: active customers right now ;-) tia", "active customers right now"],
    ["coudl you tell me mrr by plan? thansk", "mrr by plan"],
    // a catalog word in a frame's fixed slot is the frame's ("quickly" is a word of first response time; "no" a value)
    ["can you quickly pull arr by plan", "arr by plan"],
    ["churn rate in october, no rush", "churn rate in october"],
    ["hi! how are you? what was arpa last month", "what was arpa last month"],
    ["hey team, hope you're doing well! new mrr in october?", "new mrr in october?"],
    ["qucik question: churn last month, plese", "churn last month"],
  ])("%p is read as %p", (typed, bare) => {
    expect(withoutNoise(typed, catalog)).toBe(bare);
  });

  test("a refused question stays refused in any frame: personal data asked politely", () => {
    for (const q of [
      "hey dp, can you pull the emails of churned customers? thanks!",
      "quick q: which customers churned?",
    ]) {
      expect(planQuestion(q, catalog, DEMO_AT).status).toBe("refusal");
    }
  });

  test("'just' as a filter in a frame keeps the filter", () => {
    const p = planQuestion("hey dp, just Pro MRR pls", catalog, DEMO_AT);
    expect(p.status).toBe("plan");
    if (p.status === "plan")
      expect(p.calls[0]!.input).toMatchObject({ metric: "mrr", filters: [{ dimension: "plan", value: "Pro" }] });
  });
});
