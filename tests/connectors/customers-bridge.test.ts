import { afterAll, beforeAll, expect, test } from "bun:test";
import { CrmBuilder, FakeHubspot } from "../fakes/hubspot.ts";
import { StripeAccount } from "../fakes/stripe-account.ts";
import * as dev from "../fixtures/hubspot/dev/index.ts";
import { InitProject } from "./packs.ts";

/**
 * `dp init acme --with stripe,hubspot`: both packs and the bridge that needs both. The dev CRM on the
 * fake HubSpot, the matching fixture's Stripe customers (tests/fixtures/hubspot/dev/matching.ts, written
 * from the matching rules before the models) on the fake Stripe; one `dp run`; every customer's company
 * and method, the companies left over and the match rate, as the fixture says.
 */
let acct: StripeAccount;
let hubspot: FakeHubspot;
let crm: CrmBuilder;
let project: InitProject;
const now = dev.scenario.now;

beforeAll(async () => {
  hubspot = await FakeHubspot.start({});
  crm = new CrmBuilder(hubspot);
  dev.scenario.first(crm);
  acct = await StripeAccount.start({ seed: "bridge", start: "2026-06-01T00:00:00Z" });
  const pro = acct.price(acct.product({ name: "Pro" }), { unitAmount: 3_000, interval: "month" });
  for (const c of dev.matching.customers) {
    const customer = acct.customer({ id: c.id, name: c.name ?? c.id, email: c.email, metadata: c.metadata });
    if (c.id === "cus_Dv01Acme") acct.subscribe(customer, [{ price: pro, quantity: 2 }]);
  }
  acct.at(now);
  project = await InitProject.init(["stripe", "hubspot"], {
    STRIPE_API_KEY: acct.fake.apiKey,
    STRIPE_BASE_URL: acct.fake.url,
    HUBSPOT_TOKEN: hubspot.token,
    HUBSPOT_BASE_URL: hubspot.url,
  });
  await project.run(now);
}, 300_000);

afterAll(async () => {
  await acct?.close();
  await hubspot?.close();
  project?.remove();
});

test("dp init --with stripe,hubspot writes the bridge too, and says so", () => {
  expect(project.initOutput).toContain("pack stripe+hubspot:");
});

test("every Stripe customer gets the company and the method the matching rules give", async () => {
  const rows = await project.sql<{ customer_id: string; company_id: string | null; match_method: string }>(
    "SELECT customer_id, company_id, match_method FROM marts.customer_matches WHERE customer_id IS NOT NULL ORDER BY customer_id",
    now,
  );
  const id = (key: string | null) => (key === null ? null : crm.id(key));
  expect(rows).toEqual(
    dev.matching.expected
      .map((e) => ({ customer_id: e.customer, company_id: id(e.company), match_method: e.method }))
      .sort((a, b) => a.customer_id.localeCompare(b.customer_id)),
  );
});

test("companies no customer matched stay visible; one row per business customer; the match rate", async () => {
  const left = await project.sql<{ company_id: string }>(
    "SELECT company_id FROM marts.customer_matches WHERE match_method = 'company_only' ORDER BY 1",
    now,
  );
  expect(left.map((r) => r.company_id)).toEqual(dev.matching.unmatchedCompanies.map((k) => crm.id(k)).sort());
  const accounts = await project.sql<{ n: number; matched: number; acme_mrr: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE is_matched) AS matched,
            max(mrr) FILTER (WHERE list_contains(stripe_customer_ids, 'cus_Dv01Acme')) AS acme_mrr FROM marts.accounts`,
    now,
  );
  // 9 matched customers on 9 companies, 6 unmatched customers, 8 companies alone
  expect(accounts[0]).toEqual({ n: 23, matched: 9, acme_mrr: 60 });
  // the dev portal's deals are all in USD: each account's open pipeline says so; none without open deals has one
  const pipeline = await project.sql<{ currency: string | null; with_deals: boolean; amount: number }>(
    `SELECT open_pipeline_currency AS currency, open_deals > 0 AS with_deals, sum(open_pipeline) AS amount
     FROM marts.accounts GROUP BY ALL ORDER BY 2`,
    now,
  );
  const open = await project.sql<{ amount: number }>(
    "SELECT sum(amount) AS amount FROM marts.deals WHERE is_open AND company_id IN (SELECT hubspot_company_id FROM marts.accounts)",
    now,
  );
  expect(pipeline).toEqual([
    { currency: null, with_deals: false, amount: 0 },
    { currency: "USD", with_deals: true, amount: open[0]!.amount },
  ]);
  const ask = await project.dp(["ask", "--offline", "--json", "what is our crm match rate?"], now);
  const answer = JSON.parse(ask.stdout);
  expect(answer.status).toBe("answered");
  expect(answer.tool_calls[0].input.metric).toBe("customer_match_rate");
  expect(answer.answer).toContain("60.0%");
});
