import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { correctTypos, lexiconOf } from "../../../tools/planner/lexicon.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune37 (#15, batch 37 "typos"), on phrasings in no eval file: words run together split on the
 * catalog's words, short words with one slip (letters swapped, a neighbouring key, a letter left out) read only when
 * one word fits, a long word two edits away from one catalog word only, a phone's autocorrect of a catalog word read
 * back only when the question fails as typed, and a negated unit in a gloss ("logos not $"). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("words run together are split on the catalog's words when one split fits", () => {
  test.each([
    ["arrlast month", "arr", "last_month"],
    ["churnrate in q2", "churn_rate", "2026-Q2"],
    ["ticketsopened yesterday", "tickets_opened", "yesterday"],
    ["csat thisquarter", "csat", "this_quarter"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("a short word with one slip is read only when exactly one word fits", () => {
  test.each([
    ["deals wno last quarter", "deals_won", "last_quarter"],
    ["nrw mrr in september", "new_mrr", "2026-09"],
    ["average deal szie in q3", "average_won_deal_size", "2026-Q3"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("a letter left out of a three-letter word", () => {
    expect(main("mrr by pln in october")).toMatchObject({ metric: "mrr", group_by: ["plan"] });
  });

  test("shorthand is never read as a short function word ('yoy' is no 'you')", () => {
    expect(plan("mrr growth yoy for september").calls[0]!.input).toMatchObject({ current: "2026-09" });
  });

  test("two readings of the slip are asked back, never answered", () => {
    expect(refusal("deals nwo this quarter").status).toBe("refusal");
    expect(refusal("ne mrr in q3").status).toBe("refusal");
    // a catalog acronym is typed on purpose: a slip is never read as one ("nre" is no "nrr")
    expect(refusal("nre last month").status).toBe("refusal");
    // a short English word is what it says ("but" is no "buy", "toy" no "too")
    expect(correctTypos("open deals for everyone but tom", lexiconOf(catalog)).fixes).toEqual([]);
  });
});

describe("a long word two edits from one catalog word is that word", () => {
  test.each([
    ["customers who cancled in september", "churned_customers", "2026-09"],
    ["expnasion mrr last month", "expansion_mrr", "last_month"],
    ["how much mrr did we loose to downgardes in q2", "contraction_mrr", "2026-Q2"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("a phone's autocorrect of a catalog word is read back when the question fails as typed", () => {
  test.each([
    ["Mr in september", "mrr", "2026-09"],
    ["church rate last quarter", "churn_rate", "last_quarter"],
    ["what was aria in q2", "arpa", "2026-Q2"],
    ["how much mrr did we loose to churn last month", "churned_mrr", "last_month"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("a word the read-back does not fit stays asked back", () => {
    expect(refusal("deals closed by Mr Smith last month").status).toBe("refusal");
  });
});

describe("a negated unit in a gloss keeps the reading it fits and asks back the one it excludes", () => {
  test("logos, not dollars: the customer churn rate", () => {
    expect(main("churn rate last month (logos not dollars)")).toMatchObject({ metric: "churn_rate" });
    expect(main("churn % in q2 (customers, not $)")).toMatchObject({ metric: "churn_rate" });
  });
  test("a money reading the gloss excludes is never answered", () => {
    expect(refusal("churned mrr last month (not $)").status).toBe("refusal");
  });
});
