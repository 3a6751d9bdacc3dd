/**
 * Deals in several currencies through `dp ask` (issues #15, #22): a small portal on the fake HubSpot with USD
 * and EUR deals (deal_currency_code) and one deal without a currency code, the HubSpot pack run through the
 * real CLI. Without vars.reporting_currency every money metric answers one value per currency with its own
 * symbol, never a sum of dollars and euros; with reporting_currency usd and fx_rates { eur: 1.1 }, one
 * converted value that says so. A deal with no currency code is "unknown currency", never shown as dollars,
 * while the private app lacks the `oauth` scope (the pull warns and lands no account); then it is in
 * vars.hubspot_company_currency, and once the account is readable, in the portal's company currency (EUR),
 * which beats the var. `dp brief` and the pipeline dashboard state each currency with its own change, or the
 * one converted value, never a sum of dollars and euros.
 *
 * Hand-worked, asked at 2026-11-21 ("last month" is October 2026):
 *   open now: Ana's USD 10,000 + Ben's EUR 5,000 (converted: $15,500; by owner $10,000 and $5,500)
 *   won in October: USD 3,000 (Ana) + EUR 2,000 (Ben) (converted: $5,200)
 *   lost in September: 1,000 in no currency (Ana)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { drawnCharts, launchChromium, openPage } from "../browser.ts";
import { CrmBuilder, FakeHubspot } from "../fakes/hubspot.ts";
import { PackProject, shippedPack } from "./packs.ts";

const NOW = "2026-11-21T06:00:00Z";
let fake: FakeHubspot;
let project: PackProject;

beforeAll(async () => {
  fake = await FakeHubspot.start({});
  const crm = new CrmBuilder(fake);
  crm
    .at("2026-08-20T08:00:00Z")
    .owner("ana", { id: "81000001", email: "ana@acme.example", firstName: "Ana", lastName: "Silva", userId: 5100001 })
    .owner("ben", { id: "81000002", email: "ben@acme.example", firstName: "Ben", lastName: "Okafor", userId: 5100002 });
  const eur = { deal_currency_code: "EUR" };
  crm
    .at("2026-09-01T10:00:00Z")
    .deal("D1", { name: "Boston", stage: "appointmentscheduled", amount: 10000, owner: "ana" });
  crm
    .at("2026-09-02T10:00:00Z")
    .deal("D2", { name: "Berlin", stage: "qualifiedtobuy", amount: 5000, owner: "ben", props: eur });
  crm.at("2026-09-03T10:00:00Z").deal("D3", { name: "Austin", stage: "contractsent", amount: 3000, owner: "ana" });
  crm
    .at("2026-09-04T10:00:00Z")
    .deal("D4", { name: "Munich", stage: "contractsent", amount: 2000, owner: "ben", props: eur });
  crm.at("2026-09-05T10:00:00Z").deal("D5", {
    name: "Nowhere",
    stage: "qualifiedtobuy",
    amount: 1000,
    owner: "ana",
    props: { deal_currency_code: null },
  });
  crm.at("2026-09-20T10:00:00Z").move("D5", "closedlost");
  crm.at("2026-10-10T10:00:00Z").move("D3", "closedwon");
  crm.at("2026-10-15T10:00:00Z").move("D4", "closedwon");
  // a private app without the `oauth` scope: the account (its company currency) cannot be read
  fake.scopes = new Set(
    ["contacts", "companies", "deals"].flatMap((t) => [`crm.objects.${t}.read`, `crm.schemas.${t}.read`]),
  );
  fake.scopes.add("crm.objects.owners.read");
  project = new PackProject([{ pack: await shippedPack("hubspot"), config: { base_url: fake.url } }], {
    HUBSPOT_TOKEN: fake.token,
    DP_NOW: NOW,
  });
  const run = await project.dp(["run"]);
  expect(run.stderr + run.stdout).toContain("success");
  expect(run.code).toBe(0);
  // the pull went on, and said what would have read the company currency
  expect(run.stderr).toContain("Add the `oauth` scope to the HubSpot private app");
}, 120_000);

afterAll(async () => {
  await fake?.close();
  project?.remove();
});

async function answer(question: string): Promise<string> {
  const r = await project.ask(question);
  expect({ question, status: r.status }).toEqual({ question, status: "answered" });
  return r.answer;
}

/** A dashboard card's headline: one [currency, value, text] per currency, or the one number it shows. */
function card(html: string, metric: string): string {
  const at = html.indexOf(`id="chart-${metric}"`);
  expect({ metric, found: at >= 0 }).toEqual({ metric, found: true });
  return html.slice(at, html.indexOf("</section>", at));
}
const headline = (html: string, metric: string) =>
  [...card(html, metric).matchAll(/<span class="cur" data-currency="([^"]+)" data-value="([^"]*)">([^<]*)/g)].map(
    (m) => [m[1], Number(m[2]), m[3]!.trim()],
  );

const PER_CURRENCY = "one value per currency (project.yaml sets no vars.reporting_currency";

describe("USD and EUR deals, no reporting_currency: one value per currency", () => {
  test("the marts keep each deal's currency", async () => {
    const rows = await project.sql(
      "SELECT currency, sum(open_amount) AS a FROM marts.pipeline_monthly WHERE month = DATE '2026-11-01' GROUP BY 1 ORDER BY 1",
    );
    expect(rows).toEqual([
      { currency: "EUR", a: 5000 },
      { currency: "USD", a: 10000 },
    ]);
  }, 60_000);

  test("open pipeline", async () => {
    const a = await answer("open pipeline");
    expect(a).toContain("€5,000 (EUR) · $10,000 (USD)");
    expect(a).toContain(PER_CURRENCY);
  }, 60_000);

  test("won amount last month", async () => {
    const a = await answer("won amount last month");
    expect(a).toContain("€2,000 (EUR) · $3,000 (USD)");
    expect(a).toContain(PER_CURRENCY);
  }, 60_000);

  test("average deal size last month: a ratio within each currency", async () => {
    const a = await answer("average deal size last month");
    expect(a).toContain("€2,000 (EUR) · $3,000 (USD)");
    expect(a).toContain(PER_CURRENCY);
  }, 60_000);

  test("pipeline by owner", async () => {
    const a = await answer("pipeline by owner");
    expect(a).toContain("€5,000 (EUR) · $10,000 (USD), one value per currency");
    expect(a).toContain("  Ana Silva · USD   $10,000\n  Ben Okafor · EUR   €5,000");
    expect(a).not.toContain("15,000");
  }, 60_000);

  test("the biggest deals: ranked within each currency, the one without a code never in dollars", async () => {
    const a = await answer("top 5 deals by amount");
    expect(a).toContain(PER_CURRENCY);
    expect(a).toMatch(/\(UNKNOWN CURRENCY\) 1\. +Nowhere +1,000 \(unknown currency\)\n/);
    expect(a).toMatch(/EUR 1\. +Berlin +€5,000\n/);
    expect(a).toMatch(/USD 1\. +Boston +\$10,000\n/);
    expect(a).not.toContain("$1,000");
  }, 60_000);

  test("dp brief states each currency with its own change, never a sum of dollars and euros", async () => {
    const file = join(project.dir, "project.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nbrief:\n  metrics: [open_pipeline, won_amount, deals_won]\n`);
    const r = await project.dp(["brief", "--period", "last month"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "• Open pipeline in October 2026 vs September 2026: €5,000 (EUR, −€2,000, −28.6%) · $10,000 (USD, −$3,000, −23.1%)",
    );
    // nothing was won in September in either currency: €0 and $0 then, not "n/a"; the lost deal of unknown
    // currency won nothing in either month and says nothing
    expect(r.stdout).toContain(
      "• Closed-won amount in October 2026 vs September 2026: €2,000 (EUR, +€2,000) · $3,000 (USD, +$3,000)",
    );
    // a count of deals is one number whatever their currencies
    expect(r.stdout).toContain("• Deals won: 2 in October 2026 (+2 vs September 2026)");
    expect(r.stdout).not.toContain("n/a");
    expect(r.stdout).not.toMatch(/unknown currency/i);
  }, 60_000);

  test("the pipeline dashboard's headlines split by currency: €5,000 and $10,000 open, never $15,000", async () => {
    const docs = await project.dp(["docs", "--out", join(project.dir, "site")]);
    expect(docs.code).toBe(0);
    const page = readFileSync(join(project.dir, "site/dashboards/pipeline.html"), "utf8");
    expect(headline(page, "open_pipeline")).toEqual([
      ["EUR", 5000, "€5,000"],
      ["USD", 10000, "$10,000"],
    ]);
    expect(headline(page, "won_amount")).toEqual([
      ["EUR", 2000, "€2,000"],
      ["USD", 3000, "$3,000"],
    ]);
    // the chart opens split by currency: its total would add dollars to euros
    expect(card(page, "open_pipeline")).toContain('<option value="currency" selected>by currency</option>');
    expect(page).not.toContain("$15,000");
    const browser = await launchChromium();
    try {
      const errors: string[] = [];
      const tab = await openPage(browser, errors);
      await tab.goto(pathToFileURL(join(project.dir, "site/dashboards/pipeline.html")).href);
      const open = (await drawnCharts(tab)).find((c) => c.metric === "open_pipeline")!;
      // the first line drawn is the largest currency's, USD: $10,000 now, never the $15,000 sum
      expect({ inked: open.inked, last: open.plotted.at(-1), errors }).toEqual({
        inked: true,
        last: 10000,
        errors: [],
      });
    } finally {
      await browser.close();
    }
  }, 120_000);

  test("a deal without a currency code is unknown currency, never dollars", async () => {
    const a = await answer("lost amount in september 2026");
    expect(a).toContain("Closed-lost amount in September 2026 was 1,000 (unknown currency)");
    expect(a).not.toContain("$");
  }, 60_000);
});

describe("with vars.reporting_currency usd and fx_rates { eur: 1.1 }: one converted value that says so", () => {
  beforeAll(async () => {
    const file = join(project.dir, "project.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nvars:\n  reporting_currency: usd\n  fx_rates: { eur: 1.1 }\n`);
    const build = await project.dp(["build"]);
    expect(build.code).toBe(0);
  }, 300_000);

  const CONVERTED = "(converted to USD with the vars.fx_rates in project.yaml)";

  test("open pipeline", async () => {
    const a = await answer("open pipeline");
    expect(a).toContain(`$15,500 ${CONVERTED}`);
  }, 60_000);

  test("won amount last month", async () => {
    const a = await answer("won amount last month");
    expect(a).toContain(`$5,200 ${CONVERTED}`);
  }, 60_000);

  test("dp brief and the pipeline dashboard state the one converted value", async () => {
    const r = await project.dp(["brief", "--period", "last month"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("• Open pipeline: $15,500 in October 2026 (−$5,200, −25.1% vs September 2026)");
    // September's only closed deal (lost, no currency code) won nothing: one converted value, not a split of one
    expect(r.stdout).toContain("• Closed-won amount: $5,200 in October 2026 (+$5,200 vs September 2026)");
    const docs = await project.dp(["docs", "--out", join(project.dir, "site-usd")]);
    expect(docs.code).toBe(0);
    const page = readFileSync(join(project.dir, "site-usd/dashboards/pipeline.html"), "utf8");
    expect(card(page, "open_pipeline")).toContain('<div class="headline" data-value="15500">$15,500');
    expect(card(page, "won_amount")).toContain('<div class="headline" data-value="5200">$5,200');
  }, 120_000);

  test("pipeline by owner", async () => {
    const a = await answer("pipeline by owner");
    expect(a).toContain(`$15,500 ${CONVERTED}`);
    expect(a).toContain("  Ana Silva   $10,000\n  Ben Okafor   $5,500");
  }, 60_000);
});

describe("vars.hubspot_company_currency: a deal without a currency code is in the portal's company currency", () => {
  beforeAll(async () => {
    const file = join(project.dir, "project.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}  hubspot_company_currency: usd\n`);
    const build = await project.dp(["build"]);
    expect(build.code).toBe(0);
  }, 300_000);

  test("lost amount in September: dollars, converted like every other amount", async () => {
    const a = await answer("lost amount in september 2026");
    expect(a).toContain("Closed-lost amount in September 2026 was $1,000");
    expect(a).not.toContain("unknown currency");
  }, 60_000);
});

describe("the account's company currency (GET /account-info/v3/details) beats vars.hubspot_company_currency", () => {
  beforeAll(async () => {
    // the private app is granted `oauth`; the portal's company currency is EUR
    fake.scopes = undefined;
    fake.account = { ...fake.account, companyCurrency: "EUR", additionalCurrencies: ["USD"] };
    const run = await project.dp(["run"]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("Add the `oauth` scope");
  }, 300_000);

  test("the deal without a currency code is in euros, and the deals mart says where that came from", async () => {
    const rows = await project.sql("SELECT deal_name, currency, currency_source FROM marts.deals ORDER BY deal_name");
    expect(rows).toEqual([
      { deal_name: "Austin", currency: "USD", currency_source: "deal_currency_code" },
      { deal_name: "Berlin", currency: "EUR", currency_source: "deal_currency_code" },
      { deal_name: "Boston", currency: "USD", currency_source: "deal_currency_code" },
      { deal_name: "Munich", currency: "EUR", currency_source: "deal_currency_code" },
      { deal_name: "Nowhere", currency: "EUR", currency_source: "hubspot account company currency" },
    ]);
    expect(
      await project.sql("SELECT portal_id, company_currency, additional_currencies FROM staging.stg_hubspot__account"),
    ).toEqual([{ portal_id: "12345678", company_currency: "EUR", additional_currencies: ["USD"] }]);
  }, 60_000);

  test("lost amount in September: €1,000 converted at 1.1 is $1,100", async () => {
    const a = await answer("lost amount in september 2026");
    expect(a).toContain("Closed-lost amount in September 2026 was $1,100");
  }, 60_000);
});
