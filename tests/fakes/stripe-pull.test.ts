/**
 * The dev scenario through dp's Stripe connector, as a founder's `dp pull` would read it: every
 * object lands (canceled subscriptions too), and the pull an hour later catches the changes made in
 * between through /v1/events. Checks the fake against the connector; asserts nothing about models.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { devScenario } from "../fixtures/stripe/dev.ts";
import { DP_LATER, DP_NOW, type Scenario } from "../fixtures/stripe/scenario.ts";
import { HttpProject } from "../connectors/http-project.ts";

const STREAMS = ["customers", "products", "prices", "coupons", "subscriptions", "invoices", "charges", "refunds"];

let scenario: Scenario;
let project: HttpProject;
const dpNowBefore = process.env.DP_NOW;

beforeAll(async () => {
  scenario = await devScenario();
  process.env.STRIPE_API_KEY = scenario.account.fake.apiKey;
  project = new HttpProject("stripe", {
    connector: "stripe",
    lookback: "10m",
    config: { api_key: "${STRIPE_API_KEY}", base_url: scenario.account.fake.url, streams: STREAMS },
  });
});

afterAll(async () => {
  await scenario.account.close();
  project.remove();
  if (dpNowBefore === undefined) delete process.env.DP_NOW;
  else process.env.DP_NOW = dpNowBefore;
});

const latest = async (stream: string, id: string, column: string) =>
  (await project.lake(stream, "id", `arg_max(${column}, _dp_loaded_at) FILTER (WHERE id = '${id}')`)).extra;

test("a full pull at DP_NOW lands every object the account lists, canceled subscriptions included", async () => {
  process.env.DP_NOW = DP_NOW;
  const results = await project.pull();
  expect(results.status).toBe("ok");
  for (const stream of STREAMS) {
    const ids = scenario.account.fake.ids(stream);
    expect({ stream, distinct: (await project.lake(stream)).distinct }).toEqual({ stream, distinct: ids.length });
  }
  const canceled = await project.lake("subscriptions", "id", "count(DISTINCT id) FILTER (WHERE status = 'canceled')");
  // Elm Street Co's first subscription, Fjord, Harbor, Pine, Willow (Zephyr's is incomplete_expired)
  expect(canceled.extra).toBe(5);
  // the deleted customer is not listed: only its subscription remembers it
  expect(scenario.account.fake.ids("customers")).not.toContain(scenario.customers["Pine Partners"]);
}, 30_000);

test("the pull an hour later follows the changes made in between", async () => {
  const kite = scenario.account.subscriptions({ id: scenario.customers["Kite Kitchens"]! } as never)[0]!;
  const tidalRenewal = scenario.account.invoices({ id: scenario.customers["Tidal Tech"]! } as never).at(-1)!;
  expect(await latest("invoices", tidalRenewal.id, "status")).toBe("draft");
  scenario.runLater();
  process.env.DP_NOW = DP_LATER;
  const r = await project.pull();
  expect(r.status).toBe("ok");
  expect(await latest("subscriptions", kite.id, "status")).toBe("canceled");
  expect(await latest("invoices", tidalRenewal.id, "status")).toBe("paid");
  const yarrow = scenario.customers["Yarrow Yoga"]!;
  expect(await latest("customers", yarrow, "name")).toBe("Yarrow Yoga");
  for (const stream of STREAMS)
    expect({ stream, distinct: (await project.lake(stream)).distinct }).toEqual({
      stream,
      distinct: scenario.account.fake.ids(stream).length,
    });
}, 30_000);
