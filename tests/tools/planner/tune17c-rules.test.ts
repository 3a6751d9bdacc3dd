import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { ENGLISH_WORDS } from "../../../tools/planner/english-words.generated.ts";
import { isStopWord, lexiconOf, STOP, stemOf } from "../../../tools/planner/lexicon.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune17c (#15), on phrasings in no eval file: two segments of a mart's rows set against each
 * other ("US vs Germany", as Stripe's and ChartMogul's customer lists are segmented by country and status), each
 * counted on its own. Plans over the demo's catalog at 2026-11-21.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const paying = { column: "status", op: "in", value: ["active", "past_due"] };
const country = (value: string) => ({ column: "country", op: "=", value });

describe("segment vs segment of a mart's rows: one count per side, the first named first", () => {
  test.each([
    ["us vs germany paying customers", "US", "DE"],
    ["paying customers in the UK vs France", "GB", "FR"],
    ["paying customers: Canada versus the US", "CA", "US"],
    ["how many paying customers in germany compared with france", "DE", "FR"],
    ["Britain against Germany, paying customers", "GB", "DE"],
  ])("%p → %s, then %s", (q, a, b) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    expect(p.calls.map((c) => [c.role, c.input.mart, c.input.filters])).toEqual([
      ["main", "customers", [country(a), paying]],
      ["main", "customers", [country(b), paying]],
    ]);
    expect(p.interpretation?.read_as).toContain(`vs country = ${b}`);
  });

  test("two statuses in one country: each side its status", () => {
    const p = plan("paying vs churned customers in germany");
    expect(p.calls.map((c) => c.input.filters)).toEqual([
      [country("DE"), paying],
      [country("DE"), { column: "status", op: "=", value: "churned" }],
    ]);
  });

  test("a value synonym of a plan sets plans against each other as its name does", () => {
    const p = plan("ent vs pro mrr in october");
    expect(p.calls.filter((c) => c.role === "main").map((c) => c.input.filters)).toEqual([
      [{ dimension: "plan", op: "=", value: "Enterprise" }],
      [{ dimension: "plan", op: "=", value: "Pro" }],
    ]);
  });

  test.each([
    // "us" away from the "vs" is the pronoun: nothing to set Germany against
    "how many paying customers do us have vs germany",
    // no status said: which customers of each country is asked back, as for one country
    "customers in the US vs Germany",
    // a country slice of a past period: the rows hold today's values only
    "paying customers in the US vs Germany last quarter",
  ])("%p: asked back", (q) => {
    expect(["clarify", "refuse"]).toContain(refusal(q).kind ?? "refuse");
  });
});

describe("one list of exclusion leads: a lead one reading knows, the others know too", () => {
  const main = (q: string) => plan(q).calls.find((c) => c.role === "main")!.input;
  test.each([
    "MRR last month ignoring test accounts",
    "cash collected in October apart from test accounts",
    "new customers in October setting aside internal accounts",
  ])("%p: the project's test accounts, already left out", (q) => {
    const p = plan(q);
    expect(p.interpretation?.read_as).toContain("test accounts excluded");
  });

  test.each([
    ["new MRR this year apart from the current month", "2026-10-31"],
    ["new customers this year other than the running month", "2026-10-31"],
  ])("%p: the month still running left out", (q, end) => {
    expect((main(q).period as { end: string }).end).toBe(end);
  });

  test.each([
    ["ARR ignoring Enterprise", "Enterprise"],
    ["MRR in October setting aside the Pro plan", "Pro"],
    ["MRR in October except for Pro", "Pro"],
    ["ARR excluding growth", "Growth"],
  ])("%p: the value left out", (q, value) => {
    expect(main(q).filters).toEqual([{ dimension: "plan", op: "!=", value }]);
  });
});

describe("a word the stemmer brings to a stop word is a stop word only when it is a form of it", () => {
  /** every word a question may use that stemOf brings to a stop word though it is none */
  const merged = () => {
    const vocabulary = new Set([...ENGLISH_WORDS.split(/\s+/).filter(Boolean), ...lexiconOf(catalog).words]);
    return [...vocabulary].filter((w) => !STOP.has(w) && STOP.has(stemOf(w))).sort();
  };

  test("the collisions: words of their own the stemmer merges with a stop word (a new one fails here)", () => {
    // each is a form of stop word + e ("state", "fare", "site", "theme"), a noun of a gerund ("findings"), or
    // "cann"; a new one must be read as a
    // word of its own (isStopWord) or shown to be a form of the stop word
    expect(merged().filter((w) => !isStopWord(w))).toEqual([
      "cane",
      "cann",
      "fare",
      "fares",
      "findings",
      "fore",
      "site",
      "sites",
      "state",
      "stated",
      // ("united states", a name of country US since customers.country is a metric's dimension)
      "states",
      "stating",
      "thee",
      "theme",
      "themes",
    ]);
  });

  test("the catalog's own words that read as stop words are forms of them", () => {
    const catalogWords = lexiconOf(catalog).words;
    expect(merged().filter((w) => catalogWords.has(w) && isStopWord(w))).toEqual(["gotten", "saw", "seen"]);
  });

  test.each([
    "new customers by site last month",
    "MRR by theme in October",
    "what state are our customers in",
    "churned customers stating a reason last month",
  ])("%p: the word is placed or asked back, never dropped as a stop word", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });

  test.each(["total counts of new customers last month", "new customers last month, totaled"])(
    "%p: a form of a stop word is still one",
    (q) => {
      expect(plan(q).calls[0]!.input.metric).toBe("new_customers");
    },
  );
});

describe("a name the catalog doesn't know, defined inline by a metric's own definition, is that metric", () => {
  // Stripe's "net volume" deducts fees and disputes too; defined as payments less refunds, it is revenue collected
  test.each([
    ["What was our net volume in Q3 — defined as gross payments less refunds?", "2026-Q3"],
    ["Stripe net volume for October, calculated as gross volume minus refunds", "2026-10"],
    ["september net volume, i.e. gross payments minus refunds", "2026-09"],
    ["net volume for september, taken as successful payments minus refunds (before Stripe fees)", "2026-09"],
  ])("%p → revenue collected", (q, period) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric: "revenue_collected", period, filters: [] });
    expect(p.interpretation?.why.join(" ")).toContain("is defined in the question as");
  });

  test.each([
    // fees taken off: no amount of the catalog does that
    "net volume for september, net of fees, i.e. gross payments less refunds",
    "net volume for september, i.e. gross payments minus refunds minus fees",
    // another formula is another number
    "Net volume for September, taken as successful payments minus failed payments",
    "net volume for September, i.e. gross payments minus failed payments amount minus refunds",
    // a value beside the name is a filter the metric can't take, never part of the name
    "Pro net volume for September, i.e. gross payments minus refunds",
    // no definition: Stripe's net volume is not dp's
    "net volume for September",
  ])("%p: asked back", (q) => {
    expect(["clarify", "refuse"]).toContain(refusal(q).kind ?? "refuse");
  });
});

describe("a ranking of a count of a mart's rows by one of its columns (ChartMogul's customers by country)", () => {
  test.each([
    ["Which country has the most paying customers?", paying],
    ["what country has the largest number of paying customers right now", paying],
    ["which country accounts for the most churned customers", { column: "status", op: "=", value: "churned" }],
    ["Which country is home to the most customers who never paid?", { column: "status", op: "=", value: "never_paid" }],
  ])("%p → customers counted per country, the most first", (q, status) => {
    const p = plan(q);
    expect(p.intent).toBe("top_n");
    expect(p.calls[0]!.input).toMatchObject({
      mart: "customers",
      label: "country",
      n: 1,
      direction: "top",
      count: true,
      filters: [status],
    });
    expect(p.interpretation?.read_as).toContain("the country with the most");
  });

  test.each([
    // a past period: the rows hold today's status only
    "which country had the most paying customers in Q3",
    // which customers: paying, trialing, churned, every row ever?
    "which country has the most customers",
    // the fewest leaves out a country with none, which has no row to count
    "which country has the fewest paying customers",
    "which country has the most paying customers in europe",
  ])("%p: asked back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("a status and a country together", () => {
  test.each([
    ["past due customers in canada", "CA", { column: "status", op: "=", value: "past_due" }],
    ["how many trialing customers do we have in Germany", "DE", { column: "status", op: "=", value: "trialing" }],
    ["churned customers from australia", "AU", { column: "status", op: "=", value: "churned" }],
  ])("%p → country %s and the status", (q, code, status) => {
    expect(plan(q).calls[0]!.input.filters).toEqual([country(code), status]);
  });

  // "on a trial" is left unmapped, as clarify.yaml's "how many customers are on a trial?" asks back: a paying
  // customer trialing an add-on is status active, not trialing; the country said beside it changes nothing
  test.each(["customers on a trial in the usa", "how many customers are on a trial?", "customers in trial in the US"])(
    "%p: asked back",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );
});
