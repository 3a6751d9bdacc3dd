/**
 * Several currencies through `dp ask`: a small USD + EUR Stripe account (scripted here), the Stripe pack
 * run through the real CLI, then the money and retention questions asked without a currency. Without
 * vars.reporting_currency every money metric answers one value per currency with that currency's symbol
 * (never a sum of dollars and euros, never n/a); with reporting_currency and fx_rates, one converted value
 * that says so. Counts of customers stay one company-wide number and say which currencies they span.
 *
 * Month-end MRR (hand-worked): Jun–Aug $120 (Acme Pro $100 + Bolt Basic $20) and €108 (Café Pro €90 +
 * Dorf Basic €18); Sep $200 (Bolt upgrades to Pro: expansion $80) and €108; Oct $220 (Echo new $20) and
 * €90 (Dorf cancels Oct 5: churn €18).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { drawnCharts, launchChromium, openPage } from "../browser.ts";
import { StripeAccount } from "../fakes/stripe-account.ts";
import { DP_NOW, Script } from "../fixtures/stripe/scenario.ts";
import { stripePackOn } from "./packs.ts";

interface Value {
  metric: string;
  period: string;
  currency: string | null;
  converted_to: string | null;
  dimensions: Record<string, unknown>;
  value: number | null;
  text: string;
  by_currency?: { currency: string; value: number | null; text: string }[];
}

async function twoCurrencyAccount(): Promise<StripeAccount> {
  const a = await StripeAccount.start({
    seed: "dp-currency",
    start: "2026-05-01T09:00:00Z",
    retryDays: [3, 7],
    dunning: "past_due",
  });
  const basic = a.product({ name: "Basic" });
  const pro = a.product({ name: "Pro" });
  const P = {
    basicUsd: a.price(basic, { unitAmount: 2000, interval: "month" }),
    proUsd: a.price(pro, { unitAmount: 10000, interval: "month" }),
    basicEur: a.price(basic, { unitAmount: 1800, interval: "month", currency: "eur" }),
    proEur: a.price(pro, { unitAmount: 9000, interval: "month", currency: "eur" }),
  };
  const s = new Script();
  const subs: Record<string, ReturnType<StripeAccount["subscribe"]>> = {};
  const start = (name: string, when: string, price: (typeof P)[keyof typeof P]) =>
    s.step(when, () => {
      const c = a.customer({ name, email: `billing@${name.toLowerCase().replace(/\W+/g, "")}.example` });
      subs[name] = a.subscribe(c, [{ price }]);
    });
  start("Acme Inc", "2026-06-01T10:00:00Z", P.proUsd);
  start("Bolt LLC", "2026-06-05T10:00:00Z", P.basicUsd);
  start("Cafe SARL", "2026-06-10T10:00:00Z", P.proEur);
  start("Dorf GmbH", "2026-06-12T10:00:00Z", P.basicEur);
  s.step("2026-09-10T10:00:00Z", () => a.changeItems(subs["Bolt LLC"]!, [{ price: P.proUsd }]));
  start("Echo Co", "2026-10-03T10:00:00Z", P.basicUsd);
  s.step("2026-10-05T10:00:00Z", () => a.cancelNow(subs["Dorf GmbH"]!));
  s.runUntil(a, DP_NOW);
  return a;
}

const pack = stripePackOn(twoCurrencyAccount, DP_NOW);

async function ask(question: string): Promise<{ answer: string; values: Value[] }> {
  const r = await pack.project.ask(question, DP_NOW);
  expect({ question, status: r.status }).toEqual({ question, status: "answered" });
  return { answer: r.answer, values: r.values as Value[] };
}

/** --json values as [currency, value] pairs, values rounded to 6 decimals. */
const pairs = (values: Value[]) => values.map((v) => [v.currency, Math.round(v.value! * 1e6) / 1e6]);
const PER_CURRENCY = "one value per currency (project.yaml sets no vars.reporting_currency";

describe("USD and EUR customers, no reporting_currency: one value per currency", () => {
  test("MRR last month: dollars and euros side by side, each with its own symbol; --json has one row per currency", async () => {
    const { answer, values } = await ask("what was MRR last month?");
    expect(answer).toContain(`MRR in October 2026 was €90.00 (EUR) · $220.00 (USD), ${PER_CURRENCY}`);
    expect(answer).not.toContain("n/a");
    expect(pairs(values)).toEqual([
      ["EUR", 90],
      ["USD", 220],
    ]);
    expect(values.map((v) => v.text)).toEqual(["€90.00", "$220.00"]);
    expect(values.every((v) => v.converted_to === null && v.metric === "mrr" && v.period === "October 2026")).toBe(
      true,
    );
  }, 60_000);

  test("NRR last quarter per currency: USD 120 → 200 (Bolt upgraded), EUR 108 → 108", async () => {
    const { answer, values } = await ask("NRR last quarter");
    expect(answer).toContain(`Net revenue retention in Q3 2026 was 100.0% (EUR) · 166.7% (USD), ${PER_CURRENCY}`);
    expect(pairs(values)).toEqual([
      ["EUR", 1],
      ["USD", 1.666667],
    ]);
  }, 60_000);

  test("ARPA last month per currency: $220 ÷ 3, €90 ÷ 1", async () => {
    const { answer, values } = await ask("ARPA last month");
    expect(answer).toContain("ARPA in October 2026 was €90.00 (EUR) · $73.33 (USD)");
    expect(pairs(values)).toEqual([
      ["EUR", 90],
      ["USD", 73.333333],
    ]);
  }, 60_000);

  test("MRR by plan: a plan sold in both currencies is one row per currency, never n/a", async () => {
    const { answer, values } = await ask("MRR by plan last month");
    expect(answer).toContain("MRR in October 2026 was €90.00 (EUR) · $220.00 (USD)");
    expect(answer).toMatch(/Basic · USD\s+\$20\.00\n\s+Pro · EUR\s+€90\.00\n\s+Pro · USD\s+\$200\.00/);
    expect(answer).not.toContain("n/a");
    expect(values.map((v) => [v.dimensions.plan, v.currency, v.value])).toEqual([
      ["Basic", "USD", 20],
      ["Pro", "EUR", 90],
      ["Pro", "USD", 200],
    ]);
  }, 60_000);

  test("which plan has the most MRR: the leader within each currency, dollars never ranked against euros", async () => {
    const { answer } = await ask("which plan has the most MRR last month?");
    expect(answer).toContain("The most MRR in October 2026, per currency: Pro €90.00 (EUR) · Pro $200.00 (USD).");
  }, 60_000);

  test('"MRR in EUR" is euros with the euro sign', async () => {
    const { answer, values } = await ask("MRR in EUR last month");
    expect(answer).toContain("MRR in EUR in October 2026 was €90.00.");
    expect(answer).not.toContain("$");
    expect(pairs(values)).toEqual([["EUR", 90]]);
    expect((await ask("MRR in euros last month")).answer).toContain("MRR in EUR in October 2026 was €90.00.");
  }, 60_000);

  test("flows too: new MRR in September is 0 in each currency; expansion MRR in September is $80 and €0", async () => {
    const fresh = await ask("new MRR in September");
    expect(fresh.answer).toContain("New MRR in September 2026 was €0.00 (EUR) · $0.00 (USD)");
    const expansion = await ask("expansion MRR in September");
    expect(pairs(expansion.values)).toEqual([
      ["EUR", 0],
      ["USD", 80],
    ]);
  }, 60_000);

  test("every money or retention question asked without a currency answers in both, never n/a", async () => {
    const questions = [
      "MRR so far this month",
      "ARR last month",
      "GRR last quarter",
      "revenue churn last month",
      "revenue collected last month",
      "expansion MRR in September",
      "churned MRR last month",
      "net new MRR last month",
    ];
    for (const q of questions) {
      const { answer, values } = await ask(q);
      expect({ q, na: answer.includes("n/a"), both: /\(EUR\) · .*\(USD\)/.test(answer) }).toEqual({
        q,
        na: false,
        both: true,
      });
      expect({ q, currencies: values.map((v) => v.currency) }).toEqual({ q, currencies: ["EUR", "USD"] });
    }
    // Dorf's €18 of €108 churned in October; no USD customer lost MRR
    const churn = await ask("revenue churn last month");
    expect(churn.answer).toContain("was 16.7% (EUR) · 0.0% (USD)");
  }, 120_000);

  test("dp brief states each currency with its own change", async () => {
    pack.project.write(
      "project.yaml",
      `${pack.project.read("project.yaml")}brief:\n  metrics: [mrr, active_customers, revenue_collected]\n`,
    );
    const r = await pack.project.dp(["brief", "--period", "last month"], DP_NOW);
    expect(r.stdout).toContain(
      "MRR in October 2026 vs September 2026: €90.00 (EUR, −€18.00, −16.7%) · $220.00 (USD, +$20.00, +10.0%)",
    );
    // payments too: September's $120 (Acme, Bolt) and €108; October's $286.66 holds Bolt's Pro month with the
    // September upgrade's proration ($166.66) and Echo's first $20, and only Cafe's €90 once Dorf canceled
    expect(r.stdout).toContain(
      "Revenue collected in October 2026 vs September 2026: €90.00 (EUR, −€18.00, −16.7%) · $286.66 (USD, +$166.66, +138.9%)",
    );
    expect(r.stdout).not.toContain("n/a");
  }, 60_000);

  test("active customers stay one company-wide count, and the answer says it spans both currencies and gives each", async () => {
    const { answer, values } = await ask("how many active customers last month?");
    expect(answer).toContain(
      "Active customers in October 2026 was 4 (EUR and USD customers counted together; EUR 1 · USD 3).",
    );
    expect(values.map((v) => [v.currency, v.value])).toEqual([[null, 4]]);
    expect(values[0]!.by_currency).toEqual([
      { currency: "EUR", value: 1, text: "1" },
      { currency: "USD", value: 3, text: "3" },
    ]);
  }, 60_000);

  test("a combined rate gives each currency's own beside it: Dorf's churn is 1 of 2 in EUR, 0 of 2 in USD", async () => {
    const churn = await ask("churn last month?");
    expect(churn.answer).toContain(
      "Customer churn rate in October 2026 was 25.0% (EUR and USD customers counted together; EUR 50.0% · USD 0.0%) (1 of 4 customers at start of month).",
    );
    // a count no row of a currency holds is 0 in that currency, not left out
    const failed = await ask("how many payments failed last month?");
    expect(failed.answer).toContain(
      "Failed payments in October 2026 was 0 (EUR and USD customers counted together; EUR 0 · USD 0).",
    );
  }, 60_000);

  test("the dashboards' headline numbers split by currency too: MRR €90.00 and $220.00, never one sum", async () => {
    await pack.project.dp(["docs", "--out", join(pack.project.dir, "site")], DP_NOW);
    const card = (html: string, metric: string) =>
      html.slice(
        html.indexOf(`id="chart-${metric}"`),
        html.indexOf("</section>", html.indexOf(`id="chart-${metric}"`)),
      );
    const revenue = readFileSync(join(pack.project.dir, "site/dashboards/revenue.html"), "utf8");
    const headline = (html: string, metric: string) =>
      [...card(html, metric).matchAll(/<span class="cur" data-currency="(\w+)" data-value="([^"]*)">([^<]*)/g)].map(
        (m) => [m[1], Number(m[2]), m[3]!.trim()],
      );
    // MRR now (November to date) and ARPA: $220 ÷ 3 and €90 ÷ 1
    expect(headline(revenue, "mrr")).toEqual([
      ["EUR", 90, "€90.00"],
      ["USD", 220, "$220.00"],
    ]);
    expect(headline(revenue, "arpa").map(([code, value]) => [code, Math.round(Number(value) * 100) / 100])).toEqual([
      ["EUR", 90],
      ["USD", 73.33],
    ]);
    // the chart opens split by currency (its total would add dollars to euros)
    expect(card(revenue, "mrr")).toContain('<option value="currency" selected>by currency</option>');
    // a count stays one company-wide number
    const customers = readFileSync(join(pack.project.dir, "site/dashboards/customers.html"), "utf8");
    expect(card(customers, "active_customers")).toContain('<div class="headline" data-value="4">4');
    // in a browser the chart draws each currency's line (a total line would be empty: no sum exists)
    const browser = await launchChromium();
    try {
      const errors: string[] = [];
      const page = await openPage(browser, errors);
      await page.goto(pathToFileURL(join(pack.project.dir, "site/dashboards/revenue.html")).href);
      const mrr = (await drawnCharts(page)).find((c) => c.metric === "mrr")!;
      // its first line is the largest currency, USD
      expect({ inked: mrr.inked, last: mrr.plotted.at(-1), errors }).toEqual({ inked: true, last: 220, errors: [] });
    } finally {
      await browser.close();
    }
    // the overview's tiles say the same
    const overview = readFileSync(join(pack.project.dir, "site/index.html"), "utf8");
    expect(overview).toMatch(
      /data-metric="mrr">.*?data-currency="EUR" data-value="90".*?data-currency="USD" data-value="220"/s,
    );
  }, 120_000);

  test("top customers by MRR: ranked within each currency (Cafe €90 is never below Echo $20 as if both were $)", async () => {
    const { answer, values } = await ask("top 3 customers by mrr");
    expect(answer).toContain(`Top 3 customers by mrr, in each currency, ${PER_CURRENCY}`);
    expect(answer).toMatch(/EUR 1\.\s+customer_id cus_\w+\s+€90\.00\n/);
    expect(answer).not.toContain("$90");
    expect(values.map((v) => [v.currency, v.value, v.dimensions.rank])).toEqual([
      ["EUR", 90, 1],
      ["EUR", 0, 2],
      ["USD", 100, 1],
      ["USD", 100, 2],
      ["USD", 20, 3],
    ]);
  }, 60_000);

  test("comparing two periods compares each currency with itself", async () => {
    const { answer, values } = await ask("did MRR grow last month?");
    expect(answer).toContain("MRR, October 2026 vs September 2026, per currency");
    expect(answer).toMatch(
      /EUR\s+€90\.00 vs €108\.00\s+−€18\.00, −16\.7%\n\s+USD\s+\$220\.00 vs \$200\.00\s+\+\$20\.00, \+10\.0%/,
    );
    expect(values.map((v) => [v.currency, v.value, v.dimensions.previous_value])).toEqual([
      ["EUR", 90, 108],
      ["USD", 220, 200],
    ]);
  }, 60_000);
});

describe("with vars.reporting_currency usd and fx_rates { eur: 1.1 }: one converted value that says so", () => {
  beforeAll(async () => {
    pack.project.setVars({ reporting_currency: "usd", fx_rates: { eur: 1.1 } });
    await pack.project.dp(["build"], DP_NOW);
  }, 300_000);

  afterAll(() => pack.project.setVars({ reporting_currency: undefined, fx_rates: undefined }));

  const CONVERTED = "(converted to USD with the vars.fx_rates in project.yaml)";

  test("MRR last month: $220 + 1.1 × €90 = $319", async () => {
    const { answer, values } = await ask("what was MRR last month?");
    expect(answer).toContain(`MRR in October 2026 was $319.00 ${CONVERTED}.`);
    expect(values.map((v) => [v.currency, v.converted_to, v.value])).toEqual([["USD", "USD", 319]]);
  }, 60_000);

  test("NRR last quarter: (200 + 1.1 × 108) ÷ (120 + 1.1 × 108) = 133.5%", async () => {
    const { answer, values } = await ask("NRR last quarter");
    expect(answer).toContain(`Net revenue retention in Q3 2026 was 133.5% ${CONVERTED}.`);
    expect(pairs(values)).toEqual([["USD", Math.round((318.8 / 238.8) * 1e6) / 1e6]]);
  }, 60_000);

  test("ARPA last month: $319 ÷ 4 = $79.75", async () => {
    const { answer } = await ask("ARPA last month");
    expect(answer).toContain(`ARPA in October 2026 was $79.75 ${CONVERTED}.`);
  }, 60_000);

  test("MRR by plan: Pro is $200 + 1.1 × €90 = $299", async () => {
    const { answer, values } = await ask("MRR by plan last month");
    expect(answer).toContain(`MRR in October 2026 was $319.00 ${CONVERTED}; by plan:`);
    expect(values.map((v) => [v.dimensions.plan, v.currency, v.value])).toEqual([
      ["Basic", "USD", 20],
      ["Pro", "USD", 299],
    ]);
  }, 60_000);

  test('"MRR in EUR": every currency converted into euros, ($220 + 1.1 × €90) ÷ 1.1 = €290, and says at which rate', async () => {
    const { answer, values } = await ask("MRR in EUR last month");
    expect(answer).toContain(
      "MRR in EUR in October 2026 was €290.00 (every currency converted to EUR with the vars.fx_rates in project.yaml: 1 EUR = 1.1 USD).",
    );
    expect(values.map((v) => [v.currency, v.converted_to, Math.round(v.value! * 1e6) / 1e6])).toEqual([
      ["EUR", "EUR", 290],
    ]);
    // a ratio is the same in any currency; the reporting currency itself is the marts' value
    expect((await ask("NRR in EUR last quarter")).answer).toContain(
      "Net revenue retention in EUR in Q3 2026 was 133.5%",
    );
    expect((await ask("MRR in USD last month")).answer).toContain("MRR in USD in October 2026 was $319.00");
    // said by name
    expect((await ask("MRR in euros last month")).answer).toContain("MRR in EUR in October 2026 was €290.00");
  }, 60_000);

  test('"MRR in GBP" with no GBP rate says why it cannot, and what to add', async () => {
    const { answer, values } = await ask("MRR in GBP last month");
    expect(answer).toContain(
      "I can't state MRR in GBP: project.yaml's vars.fx_rates has no rate for GBP (the marts convert every amount to USD, vars.reporting_currency). Add `gbp: <USD per GBP>` to vars.fx_rates, or ask in USD.",
    );
    expect(values).toEqual([]);
  }, 60_000);

  test("the dashboards' MRR headline is the one converted value", async () => {
    await pack.project.dp(["docs", "--out", join(pack.project.dir, "site-usd")], DP_NOW);
    const revenue = readFileSync(join(pack.project.dir, "site-usd/dashboards/revenue.html"), "utf8");
    const at = revenue.indexOf('id="chart-mrr"');
    expect(revenue.slice(at, revenue.indexOf("</section>", at))).toContain(
      '<div class="headline" data-value="319">$319.00',
    );
  }, 120_000);

  test("top customers by MRR: every amount converted to USD (Cafe €90 is $99), said so", async () => {
    const { answer, values } = await ask("top 3 customers by mrr");
    expect(answer).toContain(`Top 3 customers by mrr ${CONVERTED}:`);
    expect(values.map((v) => [v.currency, v.converted_to, Math.round(v.value! * 1e6) / 1e6])).toEqual([
      ["USD", "USD", 100],
      ["USD", "USD", 100],
      ["USD", "USD", 99],
    ]);
  }, 60_000);

  test("a count is not said to be converted", async () => {
    const { answer } = await ask("how many active customers last month?");
    expect(answer).toContain("Active customers in October 2026 was 4.");
    expect(answer).not.toContain("converted");
  }, 60_000);
});
