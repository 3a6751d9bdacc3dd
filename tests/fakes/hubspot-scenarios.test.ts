import { afterEach, describe, expect, test } from "bun:test";
import * as dev from "../fixtures/hubspot/dev/index.ts";
import * as holdout from "../fixtures/hubspot/holdout/index.ts";
import { loadPortal } from "../fixtures/hubspot/reference/load.ts";
import { matchCustomers } from "../fixtures/hubspot/reference/matching.ts";
import { metrics } from "../fixtures/hubspot/reference/pipeline.ts";
import type { Expected, MatchingFixture, Question, Scenario } from "../fixtures/hubspot/scenario.ts";
import { CrmBuilder, FakeHubspot } from "./hubspot.ts";

interface Fixture {
  scenario: Scenario;
  expected: Expected;
  matching: MatchingFixture;
  questions: Question[];
}

const fixtures: Fixture[] = [dev, holdout];

let fake: FakeHubspot | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** numbers to 9 decimals, so 2/3 written by hand equals 2/3 summed by the reference */
function rounded(x: unknown): unknown {
  if (typeof x === "number") return Math.round(x * 1e9) / 1e9;
  if (Array.isArray(x)) return x.map(rounded);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, rounded(v)]));
  return x;
}

async function build(scenario: Scenario) {
  fake = await FakeHubspot.start({});
  const crm = new CrmBuilder(fake);
  scenario.first(crm);
  return { fake, crm };
}

for (const { scenario, expected, matching, questions } of fixtures) {
  describe(`${scenario.name}: hand-worked values = reference calculator over the fake's API`, () => {
    test("every month (stock by stage and owner, won, lost, win rate, size, cycle) and the periods", async () => {
      const { fake } = await build(scenario);
      const got = metrics(await loadPortal(fake.url, fake.token), scenario.now);
      for (const month of Object.keys(expected.months))
        expect({ month, ...(rounded(got.months[month]) as object) }).toEqual({
          month,
          ...(rounded(expected.months[month]) as object),
        });
      expect(Object.keys(got.months)).toEqual(Object.keys(expected.months));
      expect(rounded(got.periods)).toEqual(rounded(expected.periods));
    });

    test("after the second batch of changes, at the second pull", async () => {
      const { fake, crm } = await build(scenario);
      scenario.second(crm);
      const got = metrics(await loadPortal(fake.url, fake.token), scenario.later);
      const after = expected.afterSecondBatch;
      expect(rounded(got.months)).toEqual(rounded({ ...expected.months, ...after.months }));
      expect(rounded(got.periods)).toEqual(rounded({ ...expected.periods, ...after.periods }));
    });

    test("the second batch through an incremental search: changes found, deletions only in archived=true", async () => {
      const { fake, crm } = await build(scenario);
      scenario.second(crm);
      const since = Date.parse(scenario.now);
      const found = await fetch(`${fake.url}/crm/v3/objects/deals/search`, {
        method: "POST",
        headers: { authorization: `Bearer ${fake.token}`, "content-type": "application/json" },
        body: JSON.stringify({
          filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(since) }] }],
          limit: 200,
        }),
      }).then((r) => r.json() as any);
      const changed = fake.objects.deals
        .filter((d) => !d.archived && Date.parse(d.updatedAt) >= since)
        .map((d) => d.id);
      const deleted = fake.objects.deals
        .filter((d) => d.archivedAt && Date.parse(d.archivedAt) >= since)
        .map((d) => d.id);
      expect(changed.length).toBeGreaterThan(0);
      expect(deleted.length).toBeGreaterThan(0);
      expect(found.results.map((d: any) => d.id).sort()).toEqual(changed.sort());
      const archived = await fetch(`${fake.url}/crm/v3/objects/deals?archived=true&limit=100`, {
        headers: { authorization: `Bearer ${fake.token}` },
      }).then((r) => r.json() as any);
      expect(archived.results.map((d: any) => d.id)).toEqual(expect.arrayContaining(deleted));
    });

    test("customer matching: every row's company and method, unmatched companies, match rate", async () => {
      const { fake, crm } = await build(scenario);
      const { companies } = await loadPortal(fake.url, fake.token);
      const got = matchCustomers(companies, matching.customers, matching.freeMail);
      const id = (key: string | null) => (key === null ? null : crm.id(key));
      expect(got.rows).toEqual(matching.expected.map((e) => ({ ...e, company: id(e.company) })));
      expect(got.unmatchedCompanies.sort()).toEqual(matching.unmatchedCompanies.map(id).sort() as string[]);
      expect(got.matchRate).toBeCloseTo(matching.matchRate, 9);
    });

    test("each question's value is the expected value it names", () => {
      const root: Record<string, unknown> = { ...expected, matching };
      for (const q of questions) {
        const at = q.from.split(".").reduce<any>((node, key) => node?.[key], root);
        expect({ question: q.question, found: at !== undefined }).toEqual({ question: q.question, found: true });
        if (typeof q.value === "object") expect(rounded(at)).toMatchObject(rounded(q.value) as object);
        else expect(rounded(at)).toBe(rounded(q.value));
      }
    });
  });
}
