import { afterEach, describe, expect, test } from "bun:test";
import { expected as devExpected } from "../fixtures/hubspot/dev/expected.ts";
import { dev } from "../fixtures/hubspot/dev/scenario.ts";
import { loadPortal } from "../fixtures/hubspot/reference/load.ts";
import { metrics } from "../fixtures/hubspot/reference/pipeline.ts";
import type { Expected, Scenario } from "../fixtures/hubspot/scenario.ts";
import { CrmBuilder, FakeHubspot } from "./hubspot.ts";

const scenarios: [Scenario, Expected][] = [[dev, devExpected]];

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

for (const [scenario, expected] of scenarios) {
  describe(`${scenario.name}: hand-worked values = reference calculator over the fake's API`, () => {
    test("every month (stock by stage and owner, won, lost, win rate, size, cycle) and the periods", async () => {
      const { fake } = await build(scenario);
      const got = metrics(await loadPortal(fake.url, fake.token), scenario.now);
      for (const month of Object.keys(expected.months)) expect({ month, ...(rounded(got.months[month]) as object) }).toEqual({ month, ...(rounded(expected.months[month]) as object) });
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
  });
}
