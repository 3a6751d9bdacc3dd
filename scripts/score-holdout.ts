/**
 * Score the Stripe and HubSpot model packs on a scripted account, through the real CLI, exactly as
 * a founder runs them (issue 22's "done when"): `dp init <tmp>/acme --with stripe,hubspot`, the
 * secrets and base URLs in `.env`, `dp run` at the scenario's DP_NOW, `dp ask --json` for each
 * founder question (no LLM key: the offline planner a keyless founder gets), `dp sql --json` for
 * the marts; then the scenario's next hour and a second `dp run` at DP_LATER.
 *
 *   bun scripts/score-holdout.ts            the holdout accounts; writes tests/fixtures/HOLDOUT-SCORE.md
 *   bun scripts/score-holdout.ts --dev      the dev accounts (the ones the packs were tuned on)
 *   bun scripts/score-holdout.ts --both     dev, then holdout, reported side by side
 *   --out FILE                              write the report there instead (--no-write: print only)
 *
 * It compares (a) every expected value of the fixtures' expected files with the marts, (b) each
 * founder question's answer text with the expected numbers, (c) the month-to-date change after the
 * second run. It changes nothing in the packs: it only reads. Exit 0 when a score was produced.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { InitProject } from "../tests/connectors/packs.ts";
import { CrmBuilder, FakeHubspot } from "../tests/fakes/hubspot.ts";
import { StripeAccount } from "../tests/fakes/stripe-account.ts";
import * as hubspotDev from "../tests/fixtures/hubspot/dev/index.ts";
import * as hubspotHoldout from "../tests/fixtures/hubspot/holdout/index.ts";
import type {
  Closed,
  Expected as CrmExpected,
  MatchingFixture,
  Month as CrmMonth,
  Question as CrmQuestion,
  Scenario as CrmScenario,
} from "../tests/fixtures/hubspot/scenario.ts";
import { devScenario } from "../tests/fixtures/stripe/dev.ts";
import { holdoutScenario } from "../tests/fixtures/stripe/holdout.ts";
import type { MonthValues } from "../tests/fixtures/stripe/reference.ts";
import { DP_LATER, DP_NOW, type Scenario as StripeScenario } from "../tests/fixtures/stripe/scenario.ts";
import { repoRoot } from "../tests/helpers.ts";

// ---------------------------------------------------------------------------------------------
// What a suite is

type Suite = "dev" | "holdout";

interface StripeExpected {
  currencies: Record<string, { months: Record<string, MonthValues>; periods: Record<string, PeriodValues> }>;
  customers: {
    id: string;
    name: string;
    currency: string;
    mrr: Record<string, number>;
    movements: Record<string, string>;
  }[];
  later: { dp_now: string; currencies: Record<string, MonthValues> };
  questions: {
    question: string;
    source: string;
    unit: "money" | "rate" | "count" | "money_by_plan";
    answer: Record<string, unknown>;
  }[];
}
interface PeriodValues {
  nrr: number | null;
  grr: number | null;
}

interface Fixtures {
  suite: Suite;
  stripe: () => Promise<StripeScenario>;
  stripeExpected: StripeExpected;
  crm: { scenario: CrmScenario; expected: CrmExpected; matching: MatchingFixture; questions: CrmQuestion[] };
}

function fixtures(suite: Suite): Fixtures {
  const file = join(repoRoot, `tests/fixtures/stripe/${suite}.expected.json`);
  const crm = suite === "dev" ? hubspotDev : hubspotHoldout;
  return {
    suite,
    stripe: suite === "dev" ? devScenario : holdoutScenario,
    stripeExpected: JSON.parse(readFileSync(file, "utf8")) as StripeExpected,
    crm: { scenario: crm.scenario, expected: crm.expected, matching: crm.matching, questions: crm.questions },
  };
}

// ---------------------------------------------------------------------------------------------
// Comparing values

type Kind = "cents" | "units" | "rate" | "count" | "days" | "text";
type Verdict = "exact" | "tolerance" | "wrong";

interface Checked {
  group: string;
  label: string;
  expected: unknown;
  got: unknown;
  verdict: Verdict;
}

/** exact: equal at the fixtures' rounding; tolerance: off by at most a cent, 0.1 pp or 0.05 day. */
const TOLERANCE: Record<Exclude<Kind, "text" | "count">, { exact: number; loose: number }> = {
  cents: { exact: 0.0001, loose: 1 },
  units: { exact: 0.000001, loose: 0.01 },
  rate: { exact: 0.0000005, loose: 0.001 },
  days: { exact: 0.000001, loose: 0.05 },
};

function verdictOf(kind: Kind, expected: unknown, got: unknown): Verdict {
  if (expected === null || expected === undefined) return got === null || got === undefined ? "exact" : "wrong";
  if (kind === "text") return JSON.stringify(expected) === JSON.stringify(got) ? "exact" : "wrong";
  if (got === null || got === undefined || Number.isNaN(Number(got))) return "wrong";
  const d = Math.abs(Number(got) - Number(expected));
  if (kind === "count") return d === 0 ? "exact" : "wrong";
  const t = TOLERANCE[kind];
  return d <= t.exact ? "exact" : d <= t.loose ? "tolerance" : "wrong";
}

class Scorecard {
  readonly values: Checked[] = [];
  readonly questions: Asked[] = [];
  notes: string[] = [];

  check(group: string, label: string, kind: Kind, expected: unknown, got: unknown): void {
    const shown = kind === "rate" && typeof got === "number" ? round(got, 6) : got;
    this.values.push({ group, label, expected, got: shown ?? null, verdict: verdictOf(kind, expected, got) });
  }
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
/** marts hold currency units; the Stripe fixtures hold cents */
const cents = (v: unknown) => (v === null || v === undefined ? null : round(Number(v) * 100, 4));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const ym = (d: unknown) => String(d).slice(0, 7);

// ---------------------------------------------------------------------------------------------
// (a) Stripe values against the marts

/** The expected month as mrr_monthly names its columns, with the kind of each value. */
const MRR_COLUMNS: [keyof MonthValues, string, Kind][] = [
  ["mrr", "mrr", "cents"],
  ["arr", "arr", "cents"],
  ["arpa", "arpa", "cents"],
  ["start_mrr", "start_mrr", "cents"],
  ["new_mrr", "new_mrr", "cents"],
  ["expansion_mrr", "expansion_mrr", "cents"],
  ["contraction_mrr", "contraction_mrr", "cents"],
  ["churned_mrr", "churned_mrr", "cents"],
  ["reactivation_mrr", "reactivation_mrr", "cents"],
  ["net_new_mrr", "net_new_mrr", "cents"],
  ["active_customers", "active_customers", "count"],
  ["start_active_customers", "customers_at_start", "count"],
  ["new_customers", "new_customers", "count"],
  ["reactivated_customers", "reactivated_customers", "count"],
  ["churned_customers", "churned_customers", "count"],
  ["logo_churn_rate", "churn_rate", "rate"],
  ["revenue_churn_rate", "revenue_churn_rate", "rate"],
];
const REVENUE_COLUMNS: [keyof MonthValues, Kind][] = [
  ["charges_succeeded", "cents"],
  ["refunds", "cents"],
  ["revenue_collected", "cents"],
  ["failed_payments", "count"],
  ["failed_payments_amount", "cents"],
];
const TRIAL_COLUMNS: [keyof MonthValues, Kind][] = [
  ["trials_ended", "count"],
  ["trials_converted", "count"],
  ["trial_conversion_rate", "rate"],
];

type Row = Record<string, unknown>;
const key = (r: Row) => `${r.currency} ${ym(r.month)}`;

async function stripeMarts(p: InitProject, now: string) {
  const [mrr, plans, revenue, trials] = await Promise.all([
    p.sql<Row>("select * from marts.mrr_monthly", now),
    p.sql<Row>("select month, currency, plan, mrr from marts.mrr_by_plan_monthly", now),
    p.sql<Row>("select * from marts.revenue_monthly", now),
    p.sql<Row>("select * from marts.trials_monthly", now),
  ]);
  const byPlan = new Map<string, Record<string, number | null>>();
  for (const r of plans) {
    const m = byPlan.get(key(r)) ?? {};
    m[String(r.plan)] = cents(r.mrr);
    byPlan.set(key(r), m);
  }
  return {
    mrr: new Map(mrr.map((r) => [key(r), r])),
    byPlan,
    revenue: new Map(revenue.map((r) => [key(r), r])),
    trials: new Map(trials.map((r) => [key(r), r])),
  };
}

function checkStripeMonth(
  card: Scorecard,
  group: string,
  where: string,
  e: MonthValues,
  marts: Awaited<ReturnType<typeof stripeMarts>>,
  k: string,
): void {
  const r = marts.mrr.get(k);
  for (const [name, column, kind] of MRR_COLUMNS)
    card.check(group, `${where} ${name}`, kind, e[name], kind === "cents" ? cents(r?.[column]) : num(r?.[column]));
  const plans = marts.byPlan.get(k) ?? {};
  const expectedPlans = e.mrr_by_plan as Record<string, number>;
  for (const plan of new Set([...Object.keys(expectedPlans), ...Object.keys(plans)]))
    if ((expectedPlans[plan] ?? 0) !== 0 || (plans[plan] ?? 0) !== 0)
      card.check(group, `${where} mrr_by_plan[${plan}]`, "cents", expectedPlans[plan] ?? 0, plans[plan] ?? 0);
  const m = marts.revenue.get(k);
  for (const [name, kind] of REVENUE_COLUMNS)
    card.check(
      group,
      `${where} ${name}`,
      kind,
      e[name],
      kind === "cents" ? cents(m?.[name] ?? 0) : num(m?.[name] ?? 0),
    );
  const t = marts.trials.get(k);
  for (const [name, kind] of TRIAL_COLUMNS)
    card.check(
      group,
      `${where} ${name}`,
      kind,
      e[name],
      t ? num(t[name]) : name === "trial_conversion_rate" ? null : 0,
    );
}

/** NRR and GRR as the pack's own metric expressions (the project's billing YAML) compute them over a period. */
async function retention(p: InitProject, now: string, currency: string, from: string, to: string) {
  const metrics = retentionMetrics(p);
  const [r] = await p.sql<{ nrr: number | null; grr: number | null }>(
    `select ${metrics.nrr} as nrr, ${metrics.grr} as grr from marts.customer_mrr_monthly
     where currency = '${currency}' and month between date '${from}-01' and date '${to}-01'`,
    now,
  );
  return { nrr: num(r?.nrr), grr: num(r?.grr) };
}

let retentionCache: { dir: string; nrr: string; grr: string } | undefined;
function retentionMetrics(p: InitProject): { nrr: string; grr: string } {
  if (retentionCache?.dir === p.dir) return retentionCache;
  const found: Record<string, string> = {};
  for (const file of new Bun.Glob("models/**/*.{yml,yaml}").scanSync(p.dir)) {
    const doc = parse(p.read(file)) as { metrics?: { name: string; expression: string }[] } | null;
    for (const m of doc?.metrics ?? []) if (m.name === "nrr" || m.name === "grr") found[m.name] = m.expression;
  }
  if (!found.nrr || !found.grr) throw new Error("the project defines no nrr/grr metric");
  retentionCache = { dir: p.dir, nrr: found.nrr, grr: found.grr };
  return retentionCache;
}

const PERIODS: Record<string, [string, string]> = {
  "2026-Q3": ["2026-07", "2026-09"],
  "2026-YTD": ["2026-01", "2026-11"],
};

async function scoreStripeValues(card: Scorecard, p: InitProject, f: Fixtures): Promise<void> {
  const marts = await stripeMarts(p, DP_NOW);
  for (const [currency, c] of Object.entries(f.stripeExpected.currencies)) {
    for (const [month, e] of Object.entries(c.months)) {
      checkStripeMonth(card, `stripe ${currency} months`, `${currency} ${month}`, e, marts, `${currency} ${month}`);
      const r = await retention(p, DP_NOW, currency, month, month);
      card.check(`stripe ${currency} retention`, `${currency} ${month} nrr`, "rate", e.nrr, r.nrr);
      card.check(`stripe ${currency} retention`, `${currency} ${month} grr`, "rate", e.grr, r.grr);
    }
    for (const [period, e] of Object.entries(c.periods)) {
      const [from, to] = PERIODS[period]!;
      const r = await retention(p, DP_NOW, currency, from, to);
      card.check(`stripe ${currency} retention`, `${currency} ${period} nrr`, "rate", e.nrr, r.nrr);
      card.check(`stripe ${currency} retention`, `${currency} ${period} grr`, "rate", e.grr, r.grr);
    }
  }
  // every customer's month-end MRR and movement since the account began
  const rows = await p.sql<Row>("select month, customer_id, mrr, movement from marts.customer_mrr_monthly", DP_NOW);
  const got = new Map(rows.map((r) => [`${r.customer_id} ${ym(r.month)}`, r]));
  for (const c of f.stripeExpected.customers) {
    for (const [month, mrr] of Object.entries(c.mrr)) {
      const r = got.get(`${c.id} ${month}`);
      card.check("stripe customer-months", `${c.name} ${month} mrr`, "cents", mrr, cents(r?.mrr ?? 0));
      const movement = r && r.movement !== "flat" ? r.movement : undefined;
      card.check(
        "stripe customer-months",
        `${c.name} ${month} movement`,
        "text",
        c.movements[month] ?? "-",
        movement ?? "-",
      );
    }
  }
}

/** mrr_excluding_past_due: the pack's switch (vars.past_due_counts_in_mrr: false), rebuilt, then restored. */
async function scoreExcludingPastDue(card: Scorecard, p: InitProject, f: Fixtures): Promise<void> {
  p.setVars({ past_due_counts_in_mrr: false });
  try {
    await p.dp(["build"], DP_NOW);
    const rows = await p.sql<Row>("select month, currency, mrr from marts.mrr_monthly", DP_NOW);
    const got = new Map(rows.map((r) => [key(r), cents(r.mrr)]));
    for (const [currency, c] of Object.entries(f.stripeExpected.currencies))
      for (const [month, e] of Object.entries(c.months))
        card.check(
          `stripe ${currency} months`,
          `${currency} ${month} mrr_excluding_past_due`,
          "cents",
          e.mrr_excluding_past_due,
          got.get(`${currency} ${month}`) ?? null,
        );
  } finally {
    p.setVars({ past_due_counts_in_mrr: undefined });
    await p.dp(["build"], DP_NOW);
  }
}

// ---------------------------------------------------------------------------------------------
// (a) HubSpot values against the marts

interface OpenGot {
  count: number;
  amount: number;
  byStage: Record<string, { count: number; amount: number }>;
  byOwner: Record<string, { count: number; amount: number }>;
  openAt: string;
}

async function openByMonth(p: InitProject, now: string): Promise<Record<string, OpenGot>> {
  const rows = await p.sql<{ month: string; stock_at: string; stage: string; owner: string; n: number; a: number }>(
    `SELECT strftime(month, '%Y-%m') AS month, strftime(stock_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS stock_at,
            stage, owner, open_deals AS n, open_amount AS a FROM marts.pipeline_monthly`,
    now,
  );
  const out: Record<string, OpenGot> = {};
  const add = (into: Record<string, { count: number; amount: number }>, k: string, n: number, a: number) => {
    const b = (into[k] ??= { count: 0, amount: 0 });
    b.count += n;
    b.amount += a;
  };
  for (const r of rows) {
    const m = (out[r.month] ??= { count: 0, amount: 0, byStage: {}, byOwner: {}, openAt: r.stock_at });
    m.count += Number(r.n);
    m.amount += Number(r.a ?? 0);
    add(m.byStage, r.stage, Number(r.n), Number(r.a ?? 0));
    add(m.byOwner, r.owner, Number(r.n), Number(r.a ?? 0));
  }
  return out;
}

/** What closed in each range [from, to), from marts.deals. */
async function closedIn(p: InitProject, now: string, ranges: Record<string, { from: string; to: string }>) {
  const values = Object.entries(ranges)
    .map(([k, r]) => `('${k}', TIMESTAMP '${r.from.slice(0, 23)}', TIMESTAMP '${r.to.slice(0, 23)}')`)
    .join(", ");
  const rows = await p.sql<Row>(
    `SELECT r.k, count(d.deal_id) FILTER (WHERE is_won) AS won, sum(amount) FILTER (WHERE is_won) AS won_amount,
            list(deal_name ORDER BY deal_name) FILTER (WHERE is_won) AS won_deals,
            count(d.deal_id) FILTER (WHERE is_lost) AS lost, sum(amount) FILTER (WHERE is_lost) AS lost_amount,
            list(deal_name ORDER BY deal_name) FILTER (WHERE is_lost) AS lost_deals,
            median(sales_cycle_days) FILTER (WHERE is_won) AS median, avg(sales_cycle_days) FILTER (WHERE is_won) AS mean
     FROM (VALUES ${values}) r(k, f, t)
     LEFT JOIN marts.deals d ON (d.is_won OR d.is_lost) AND d.closed_at >= r.f AND d.closed_at < r.t
     GROUP BY r.k`,
    now,
  );
  return new Map(rows.map((r) => [String(r.k), r]));
}

function checkClosed(card: Scorecard, group: string, where: string, e: Closed, r: Row | undefined): void {
  const won = Number(r?.won ?? 0);
  const lost = Number(r?.lost ?? 0);
  card.check(group, `${where} won.count`, "count", e.won.count, won);
  card.check(group, `${where} won.amount`, "units", e.won.amount, Number(r?.won_amount ?? 0));
  card.check(group, `${where} won.deals`, "text", e.won.deals, (r?.won_deals as string[] | null) ?? []);
  card.check(group, `${where} lost.count`, "count", e.lost.count, lost);
  card.check(group, `${where} lost.amount`, "units", e.lost.amount, Number(r?.lost_amount ?? 0));
  card.check(group, `${where} lost.deals`, "text", e.lost.deals, (r?.lost_deals as string[] | null) ?? []);
  card.check(group, `${where} win_rate`, "rate", e.winRate, won + lost ? won / (won + lost) : null);
  card.check(group, `${where} avg_won`, "units", e.avgWonAmount, won ? Number(r?.won_amount ?? 0) / won : null);
  card.check(group, `${where} cycle_median`, "days", e.salesCycleDays?.median ?? null, won ? num(r?.median) : null);
  card.check(group, `${where} cycle_mean`, "days", e.salesCycleDays?.mean ?? null, won ? num(r?.mean) : null);
}

function checkOpen(card: Scorecard, group: string, month: string, e: CrmMonth, got: OpenGot | undefined): void {
  const g = got ?? { count: 0, amount: 0, byStage: {}, byOwner: {}, openAt: "" };
  card.check(group, `${month} open.count`, "count", e.open.count, g.count);
  card.check(group, `${month} open.amount`, "units", e.open.amount, g.amount);
  card.check(group, `${month} open.at`, "text", e.openAt, g.openAt || null);
  for (const [dim, want, have] of [
    ["stage", e.open.byStage, g.byStage],
    ["owner", e.open.byOwner, g.byOwner],
  ] as const) {
    for (const k of new Set([...Object.keys(want), ...Object.keys(have)])) {
      card.check(group, `${month} open by ${dim}[${k}].count`, "count", want[k]?.count ?? 0, have[k]?.count ?? 0);
      card.check(group, `${month} open by ${dim}[${k}].amount`, "units", want[k]?.amount ?? 0, have[k]?.amount ?? 0);
    }
  }
}

const monthEnd = (month: string) => {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y!, m!, 1)).toISOString();
};

async function scoreCrmValues(
  card: Scorecard,
  p: InitProject,
  now: string,
  months: Record<string, CrmMonth>,
  periods: Record<string, Closed & { from: string; to: string }>,
  group: string,
): Promise<void> {
  const open = await openByMonth(p, now);
  for (const [month, e] of Object.entries(months)) checkOpen(card, `${group} pipeline`, month, e, open[month]);
  const ranges = Object.fromEntries(
    Object.keys(months).map((m) => [m, { from: `${m}-01T00:00:00.000Z`, to: m === "2026-11" ? now : monthEnd(m) }]),
  );
  const closed = await closedIn(p, now, { ...ranges, ...periods });
  for (const [month, e] of Object.entries(months)) checkClosed(card, `${group} won/lost`, month, e, closed.get(month));
  for (const [period, e] of Object.entries(periods))
    checkClosed(card, `${group} won/lost`, period, e, closed.get(period));
}

// ---------------------------------------------------------------------------------------------
// (b) Founder questions: the numbers stated in the answer, with their units

interface Asked {
  question: string;
  expected: string;
  answer: string;
  status: string;
  /** right: every expected number stated; partly: some stated, some missing; wrong number: none of them */
  verdict: "right" | "partly" | "wrong number" | "refused";
  rounded: boolean;
  missing: string[];
}

interface Token {
  value: number;
  money: "$" | "€" | "£" | null;
  percent: boolean;
  at: number;
  end: number;
}

const TOKEN = /(US\$|\$|€|£)?\s?(-|−)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(%|k\b|K\b|M\b)?(\s?(?:USD|EUR)\b)?/g;

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    let value = Number(`${m[3]!.replace(/,/g, "")}${m[4] ?? ""}`) * (m[2] ? -1 : 1);
    const suffix = m[5];
    if (suffix === "k" || suffix === "K") value *= 1000;
    if (suffix === "M") value *= 1_000_000;
    const lead = m.index! + (m[0].length - m[0].trimStart().length);
    // "Q3", "H1" and years are dates, not answers
    if (!m[1] && !suffix && (/[A-Za-z]/.test(text[lead - 1] ?? "") || (!m[4] && value >= 1900 && value <= 2100)))
      continue;
    const code = m[6]?.trim();
    const money = m[1]
      ? m[1] === "€"
        ? "€"
        : m[1] === "£"
          ? "£"
          : "$"
      : code === "EUR"
        ? "€"
        : code === "USD"
          ? "$"
          : null;
    out.push({ value, money, percent: suffix === "%", at: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const SYMBOL: Record<string, "$" | "€"> = { usd: "$", eur: "€" };

type Want =
  | { kind: "money"; symbol: "$" | "€"; value: number; near?: string[] }
  | { kind: "rate"; value: number }
  | { kind: "count"; value: number; near?: string[] }
  | { kind: "number"; value: number }
  | { kind: "none" };

/** One wanted number against the answer's tokens: exact, rounded (shown rounded: $1.2k, 48.7), or missing. */
function findWanted(text: string, toks: Token[], w: Want): "exact" | "rounded" | "missing" {
  if (w.kind === "none")
    return toks.some((t) => t.percent || t.money) && !/n\/a|no data|none/i.test(text) ? "missing" : "exact";
  let pool = toks;
  if ("near" in w && w.near) {
    const lower = text.toLowerCase();
    const starts = w.near.flatMap((n) =>
      [...lower.matchAll(new RegExp(escape(n.toLowerCase()), "g"))].map((m) => m.index!),
    );
    pool = starts.length ? toks.filter((t) => starts.some((s) => t.at >= s && t.at - s <= 80)) : [];
  }
  let best: "exact" | "rounded" | "missing" = "missing";
  for (const t of pool) {
    let d: number;
    let exact: number;
    let loose: number;
    if (w.kind === "money") {
      if (t.money !== w.symbol || t.percent) continue;
      d = Math.abs(t.value - w.value);
      exact = 0.005;
      loose = Math.max(0.5, Math.abs(w.value) * 0.01);
    } else if (w.kind === "rate") {
      if (!t.percent) continue;
      d = Math.abs(t.value - w.value * 100);
      exact = 0.05 + 1e-9;
      loose = 0.5;
    } else if (w.kind === "count") {
      if (t.money || t.percent) continue;
      d = Math.abs(t.value - w.value);
      exact = 0;
      loose = 0;
    } else {
      if (t.money || t.percent) continue;
      d = Math.abs(t.value - w.value);
      exact = 0.05 + 1e-9;
      loose = 0.5;
    }
    if (d <= exact) return "exact";
    if (d <= loose) best = "rounded";
  }
  return best;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function describe(w: Want): string {
  if (w.kind === "money") return `${w.symbol}${round(w.value, 2)}${w.near ? ` (${w.near[0]})` : ""}`;
  if (w.kind === "rate") return `${round(w.value * 100, 2)}%`;
  if (w.kind === "count") return `${w.value}${w.near ? ` (${w.near[0]})` : ""}`;
  if (w.kind === "number") return String(round(w.value, 2));
  return "no value (n/a)";
}

async function askFounder(p: InitProject, now: string, question: string): Promise<{ status: string; answer: string }> {
  // a founder without an LLM key: dp ask takes the offline planner by itself
  const r = await p.dp(["ask", "--json", question], now, null);
  try {
    const j = JSON.parse(r.stdout) as { status?: string; answer?: string };
    return { status: j.status ?? "error", answer: j.answer ?? "" };
  } catch {
    return { status: `exit ${r.code}`, answer: (r.stdout + r.stderr).trim().split("\n")[0] ?? "" };
  }
}

async function scoreQuestion(card: Scorecard, p: InitProject, now: string, question: string, wants: Want[]) {
  const { status, answer } = await askFounder(p, now, question);
  // the sentence and its breakdown lines; the sparkline line ("last 8 months") is not an answer
  const stated = answer
    .split("\n")
    .filter((l) => !/[▁▂▃▄▅▆▇█]/.test(l))
    .join("\n");
  const toks = tokens(stated);
  const found = wants.map((w) => ({ w, r: status === "answered" ? findWanted(stated, toks, w) : "missing" }));
  const missing = found.filter((x) => x.r === "missing").map((x) => describe(x.w));
  card.questions.push({
    question,
    expected: wants.map(describe).join(", "),
    answer: answer.split("\n").join(" ⏎ "),
    status,
    verdict:
      status !== "answered"
        ? "refused"
        : !missing.length
          ? "right"
          : missing.length < wants.length
            ? "partly"
            : "wrong number",
    rounded: found.some((x) => x.r === "rounded"),
    missing,
  });
}

function stripeWants(q: StripeExpected["questions"][number]): Want[] {
  const wants: Want[] = [];
  const values = Object.entries(q.answer);
  if (values.every(([, v]) => v === null)) return [{ kind: "none" }];
  for (const [currency, v] of values) {
    if (v === null) continue; // a null beside a number: not checkable from the text alone
    const symbol = SYMBOL[currency]!;
    if (q.unit === "money") wants.push({ kind: "money", symbol, value: v as number });
    else if (q.unit === "rate") wants.push({ kind: "rate", value: v as number });
    else if (q.unit === "count") wants.push({ kind: "count", value: v as number });
    else
      for (const [plan, x] of Object.entries(v as Record<string, number>))
        wants.push({ kind: "money", symbol, value: x, near: [plan] });
  }
  return wants;
}

const OWNER_ALIASES: Record<string, string[]> = { "(no owner)": ["(no owner)", "no owner", "unassigned"] };

function crmWants(q: CrmQuestion): Want[] {
  const v = q.value as unknown;
  if (/winRate$|matchRate$/.test(q.from)) return [{ kind: "rate", value: v as number }];
  if (/avgWonAmount$/.test(q.from)) return [{ kind: "money", symbol: "$", value: v as number }];
  if (/salesCycleDays$/.test(q.from)) {
    const c = v as { median: number; mean: number };
    return [
      { kind: "number", value: c.median },
      { kind: "number", value: c.mean },
    ];
  }
  if (/byStage$|byOwner$/.test(q.from))
    return Object.entries(v as Record<string, { count: number; amount: number }>).map(([k, b]) => ({
      kind: "money",
      symbol: "$",
      value: b.amount,
      near: OWNER_ALIASES[k] ?? [k, k.split(" / ").at(-1)!],
    }));
  const b = v as { count: number; amount: number };
  return [
    { kind: "money", symbol: "$", value: b.amount },
    { kind: "count", value: b.count },
  ];
}

// ---------------------------------------------------------------------------------------------
// The run

interface SuiteScore {
  suite: Suite;
  card: Scorecard;
  seconds: number;
}

async function scoreSuite(suite: Suite, log: (s: string) => void): Promise<SuiteScore> {
  const started = performance.now();
  const f = fixtures(suite);
  const card = new Scorecard();
  if (f.crm.scenario.now !== DP_NOW || f.crm.scenario.later !== DP_LATER)
    card.notes.push(`the HubSpot scenario's clock (${f.crm.scenario.now}) differs from Stripe's (${DP_NOW})`);
  const stripe = await f.stripe();
  const hubspot = await FakeHubspot.start({});
  const crm = new CrmBuilder(hubspot);
  f.crm.scenario.first(crm);
  const project = await InitProject.init(["stripe", "hubspot"], {
    STRIPE_API_KEY: stripe.account.fake.apiKey,
    STRIPE_BASE_URL: stripe.account.fake.url,
    HUBSPOT_TOKEN: hubspot.token,
    HUBSPOT_BASE_URL: hubspot.url,
  });
  const matchingSide = await matchingProject(f);
  try {
    log(`[${suite}] dp init ${project.dir} --with stripe,hubspot; dp run at ${DP_NOW}`);
    await project.run(DP_NOW);
    log(`[${suite}] (a) values`);
    await scoreStripeValues(card, project, f);
    await scoreCrmValues(card, project, DP_NOW, f.crm.expected.months, f.crm.expected.periods, "hubspot");
    await scoreExcludingPastDue(card, project, f);
    log(`[${suite}] matching: a second project (the matching fixture's Stripe customers + the same CRM)`);
    await matchingSide.project.run(DP_NOW);
    await scoreMatching(card, matchingSide, f);
    log(`[${suite}] (b) founder questions`);
    for (const q of f.stripeExpected.questions) await scoreQuestion(card, project, DP_NOW, q.question, stripeWants(q));
    for (const q of f.crm.questions) {
      const p = q.from.startsWith("matching.") ? matchingSide.project : project;
      await scoreQuestion(card, p, DP_NOW, q.question, crmWants(q));
    }
    log(`[${suite}] (c) the next hour: runLater(), dp run at ${DP_LATER}`);
    await scoreLater(card, project, f, stripe, crm);
  } finally {
    await stripe.account.close();
    await hubspot.close();
    await matchingSide.close();
    project.remove();
    matchingSide.project.remove();
  }
  return { suite, card, seconds: (performance.now() - started) / 1000 };
}

/**
 * The matching fixture's Stripe customers are a separate list from the Stripe scenario's (its match
 * rate is over those 15/18 customers), so they get a project of their own against the same CRM, as
 * tests/connectors/customers-bridge.test.ts does.
 */
async function matchingProject(f: Fixtures) {
  const hubspot = await FakeHubspot.start({});
  const crm = new CrmBuilder(hubspot);
  f.crm.scenario.first(crm);
  const acct = await StripeAccount.start({ seed: `match-${f.suite}`, start: "2026-06-01T00:00:00Z" });
  for (const c of f.crm.matching.customers)
    acct.customer({ id: c.id, name: c.name ?? c.id, email: c.email, metadata: c.metadata });
  acct.at(DP_NOW);
  const project = await InitProject.init(["stripe", "hubspot"], {
    STRIPE_API_KEY: acct.fake.apiKey,
    STRIPE_BASE_URL: acct.fake.url,
    HUBSPOT_TOKEN: hubspot.token,
    HUBSPOT_BASE_URL: hubspot.url,
  });
  return {
    project,
    crm,
    close: async () => {
      await acct.close();
      await hubspot.close();
    },
  };
}

async function scoreMatching(
  card: Scorecard,
  side: Awaited<ReturnType<typeof matchingProject>>,
  f: Fixtures,
): Promise<void> {
  const p = side.project;
  const id = (k: string | null) => (k === null ? null : side.crm.id(k));
  const rows = await p.sql<{ customer_id: string; company_id: string | null; match_method: string }>(
    "SELECT customer_id, company_id, match_method FROM marts.customer_matches WHERE customer_id IS NOT NULL",
    DP_NOW,
  );
  const got = new Map(rows.map((r) => [r.customer_id, r]));
  for (const e of f.crm.matching.expected) {
    const r = got.get(e.customer);
    card.check("matching", `${e.customer} company`, "text", id(e.company), r?.company_id ?? null);
    card.check("matching", `${e.customer} method`, "text", e.method, r?.match_method ?? null);
  }
  const left = await p.sql<{ company_id: string }>(
    "SELECT company_id FROM marts.customer_matches WHERE match_method = 'company_only' ORDER BY 1",
    DP_NOW,
  );
  card.check(
    "matching",
    "companies left unmatched",
    "text",
    f.crm.matching.unmatchedCompanies.map((k) => side.crm.id(k)).sort(),
    left.map((r) => r.company_id),
  );
  const [rate] = await p.sql<{ r: number }>(
    "SELECT count(*) FILTER (WHERE is_matched) / nullif(count(customer_id), 0) AS r FROM marts.customer_matches",
    DP_NOW,
  );
  card.check("matching", "match rate", "rate", round(f.crm.matching.matchRate, 6), num(rate?.r));
}

async function scoreLater(
  card: Scorecard,
  p: InitProject,
  f: Fixtures,
  stripe: StripeScenario,
  crm: CrmBuilder,
): Promise<void> {
  const before = await stripeMarts(p, DP_NOW);
  stripe.runLater();
  f.crm.scenario.second(crm);
  await p.run(DP_LATER);
  const after = await stripeMarts(p, DP_LATER);
  for (const [currency, e] of Object.entries(f.stripeExpected.later.currencies)) {
    const k = `${currency} 2026-11`;
    const wantDelta = e.mrr - f.stripeExpected.currencies[currency]!.months["2026-11"]!.mrr;
    const b = cents(before.mrr.get(k)?.mrr);
    const a = cents(after.mrr.get(k)?.mrr);
    card.check(
      "later: MTD change",
      `${currency} 2026-11 mrr change`,
      "cents",
      wantDelta,
      a === null || b === null ? null : round(a - b, 4),
    );
    checkStripeMonth(card, "later: stripe November", `${currency} 2026-11 @07:00`, e, after, k);
    const oct = f.stripeExpected.currencies[currency]!.months["2026-10"]!;
    card.check(
      "later: MTD change",
      `${currency} 2026-10 mrr unchanged`,
      "cents",
      oct.mrr,
      cents(after.mrr.get(`${currency} 2026-10`)?.mrr),
    );
  }
  const later = f.crm.expected.afterSecondBatch;
  await scoreCrmValues(
    card,
    p,
    DP_LATER,
    { ...f.crm.expected.months, ...later.months },
    { ...f.crm.expected.periods, ...later.periods },
    "later: hubspot",
  );
}

// ---------------------------------------------------------------------------------------------
// The report

interface Totals {
  values: number;
  exact: number;
  tolerance: number;
  wrong: number;
  questions: number;
  right: number;
  partly: number;
  wrongNumber: number;
  refused: number;
}

function totals(card: Scorecard, group?: string): Totals {
  const v = card.values.filter((x) => group === undefined || x.group === group);
  return {
    values: v.length,
    exact: v.filter((x) => x.verdict === "exact").length,
    tolerance: v.filter((x) => x.verdict === "tolerance").length,
    wrong: v.filter((x) => x.verdict === "wrong").length,
    questions: card.questions.length,
    right: card.questions.filter((q) => q.verdict === "right").length,
    partly: card.questions.filter((q) => q.verdict === "partly").length,
    wrongNumber: card.questions.filter((q) => q.verdict === "wrong number").length,
    refused: card.questions.filter((q) => q.verdict === "refused").length,
  };
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const cell = (s: string) => s.replace(/\|/g, "\\|");

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

function report(scores: SuiteScore[], commit: string): string {
  const out: string[] = [];
  out.push("# Model packs scored on scripted accounts (issue 22)");
  out.push("");
  out.push(
    `Generated by \`bun scripts/score-holdout.ts${scores.length > 1 ? " --both" : scores[0]!.suite === "dev" ? " --dev" : ""}\` on ${new Date().toISOString().slice(0, 10)} at commit \`${commit}\`.`,
  );
  out.push(
    "Through the real CLI as a founder runs it: `dp init <tmp>/acme --with stripe,hubspot`, `.env` with STRIPE_API_KEY / STRIPE_BASE_URL / HUBSPOT_TOKEN / HUBSPOT_BASE_URL pointing at the fakes running the scenario, `dp run` at DP_NOW=2026-11-21T06:00:00Z, `dp sql --json` for the marts, `dp ask --json` (no LLM key: the offline planner) for the founder questions, then the scenario's next hour and `dp run` at 07:00. The matching fixture's Stripe customers are their own list, so matching runs in a second project against the same CRM.",
  );
  out.push(
    "Values: *exact* at the fixtures' rounding (cents to 4 decimals, rates to 6), *tolerance* off by at most 1 cent / 0.1 pp / 0.05 day, else *wrong*. Questions: *right* when every expected number appears in the answer with its unit ($, €, %, days, count; a rounded display such as $15.5k counts as right and is marked), *partly* when some are stated and others are missing (e.g. the amount without the deal count), *wrong number* when none of them is stated (another number or another metric), *refused* when dp ask did not answer. Questions are matched against the answer's sentence and breakdown lines, not its sparkline.",
  );
  out.push("");
  out.push("## Totals");
  out.push("");
  out.push(
    table(
      [
        "suite",
        "values",
        "exact",
        "within tolerance",
        "wrong",
        "questions",
        "right",
        "partly",
        "wrong number",
        "refused",
        "time",
      ],
      scores.map((s) => {
        const t = totals(s.card);
        return [
          s.suite,
          String(t.values),
          String(t.exact),
          String(t.tolerance),
          String(t.wrong),
          String(t.questions),
          String(t.right),
          String(t.partly),
          String(t.wrongNumber),
          String(t.refused),
          `${Math.round(s.seconds)} s`,
        ];
      }),
    ),
  );
  const groups = [...new Set(scores.flatMap((s) => s.card.values.map((v) => v.group)))];
  out.push("");
  out.push("## Values by group (exact / within tolerance / wrong of N)");
  out.push("");
  out.push(
    table(
      ["group", ...scores.map((s) => s.suite)],
      groups.map((g) => [
        g,
        ...scores.map((s) => {
          const t = totals(s.card, g);
          return t.values ? `${t.exact} / ${t.tolerance} / ${t.wrong} of ${t.values}` : "—";
        }),
      ]),
    ),
  );
  for (const s of scores) {
    out.push("");
    out.push(`## ${s.suite}: founder questions`);
    out.push("");
    out.push(
      table(
        ["question", "expected", "verdict", "answer"],
        s.card.questions.map((q) => [
          q.question,
          q.expected,
          q.verdict === "right" && q.rounded
            ? "right (rounded)"
            : q.missing.length && q.verdict !== "refused"
              ? `${q.verdict} (missing ${q.missing.join(", ")})`
              : q.verdict,
          q.answer.length > 300 ? `${q.answer.slice(0, 300)}…` : q.answer,
        ]),
      ),
    );
    const misses = s.card.values.filter((v) => v.verdict !== "exact");
    out.push("");
    out.push(`## ${s.suite}: values not exact (${misses.length})`);
    out.push("");
    out.push(
      misses.length
        ? table(
            ["group", "value", "expected", "got", "verdict"],
            misses.map((v) => [v.group, v.label, show(v.expected), show(v.got), v.verdict]),
          )
        : "None.",
    );
    for (const n of s.card.notes) out.push(`\nNote: ${n}`);
  }
  return `${out.join("\n")}\n`;
}

function printTerminal(scores: SuiteScore[]): void {
  for (const s of scores) {
    const t = totals(s.card);
    console.log(`\n== ${s.suite} ==`);
    const groups = [...new Set(s.card.values.map((v) => v.group))];
    console.log(
      `${"group".padEnd(28)} ${"values".padStart(6)} ${"exact".padStart(6)} ${"tol".padStart(5)} ${"wrong".padStart(6)}`,
    );
    for (const g of groups) {
      const x = totals(s.card, g);
      console.log(
        `${g.padEnd(28)} ${String(x.values).padStart(6)} ${String(x.exact).padStart(6)} ${String(x.tolerance).padStart(5)} ${String(x.wrong).padStart(6)}`,
      );
    }
    for (const q of s.card.questions)
      console.log(
        `  ${q.verdict.padEnd(12)} ${q.question} — ${q.missing.length && q.verdict !== "refused" ? `missing ${q.missing.join(", ")}` : q.expected}`,
      );
    for (const v of s.card.values.filter((x) => x.verdict !== "exact"))
      console.log(`  ${v.verdict.padEnd(9)} ${v.group}: ${v.label} expected ${show(v.expected)} got ${show(v.got)}`);
  }
  console.log("");
  for (const s of scores) {
    const t = totals(s.card);
    console.log(
      `${s.suite}: values ${t.exact} exact / ${t.tolerance} within tolerance / ${t.wrong} wrong of ${t.values}; questions ${t.right} right / ${t.partly} partly / ${t.wrongNumber} wrong number / ${t.refused} refused of ${t.questions}`,
    );
  }
}

async function main(): Promise<void> {
  // a founder without an LLM key: every dp this script starts inherits this environment
  delete process.env.ANTHROPIC_API_KEY;
  delete process.env.ANTHROPIC_BASE_URL;
  const args = process.argv.slice(2);
  const suites: Suite[] = args.includes("--both") ? ["dev", "holdout"] : args.includes("--dev") ? ["dev"] : ["holdout"];
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args[outAt + 1]! : join(repoRoot, "tests/fixtures/HOLDOUT-SCORE.md");
  const log = (s: string) => console.error(s);
  const scores: SuiteScore[] = [];
  for (const suite of suites) scores.push(await scoreSuite(suite, log));
  printTerminal(scores);
  if (args.includes("--no-write")) return;
  // the score file names holdout: a dev-only run writes there only when asked (--out)
  if (!suites.includes("holdout") && outAt < 0) return;
  const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: repoRoot }).stdout.toString().trim();
  writeFileSync(out, report(scores, commit));
  log(`wrote ${relative(process.cwd(), out) || out}`);
}

await main();
process.exit(0);
