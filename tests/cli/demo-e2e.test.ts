import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { dp, tempDir } from "../helpers.ts";

/** init → run → test → sql on the embedded demo, through the real CLI, with time pinned. */
const dir = join(tempDir("dp-demo-e2e-"), "acme");
const env = { DP_NOW: "2026-11-21T06:00:00Z" };
const sql = (q: string) => {
  const r = dp(["sql", "--json", q, "-C", dir], { env });
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
};
const MARTS = [
  "customers",
  "subscriptions",
  "mrr_monthly",
  "customer_mrr_monthly",
  "mrr_by_plan_monthly",
  "revenue_monthly",
  "pipeline_monthly",
  "deals_closed_monthly",
  "accounts",
  "account_health",
  "support_daily",
];

async function martHashes(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const m of MARTS) {
    out[m] = sql(`select count(*)::int as n, sum(hash(t::varchar)) ::varchar as h from marts.${m} as t`)[0];
  }
  return out;
}

describe("the embedded demo end to end", () => {
  let firstRun: ReturnType<typeof dp>;
  beforeAll(() => {
    expect(dp(["init", dir, "--demo"]).code).toBe(0);
    firstRun = dp(["run", "-C", dir], { env });
    // a whole demo run (pull, 47 models, tests, decide) takes longer than bun's 5 s hook default on a shared machine
  }, 180_000);

  test("dp run succeeds and reports every test passed", () => {
    expect(firstRun.code).toBe(0);
    expect(firstRun.stdout).toMatch(/(\d+)\/\1 tests passed/);
  });

  test("every mart named in the issue is built and non-empty", () => {
    for (const m of MARTS) expect((sql(`select count(*)::int as n from marts.${m}`)[0]!.n as number) > 0).toBe(true);
  });

  test("customers mart agrees with the raw lake: every Stripe customer id, the newest version of each", () => {
    const lake = (stream: string) => `read_parquet('${join(dir, "lake/raw/stripe", stream, "*/*.parquet")}')`;
    const [expected] = sql(`select count(*)::int as n from (
      select id from ${lake("customers")}
      union select customer from ${lake("subscriptions")}
      union select customer from ${lake("charges")} where customer is not null)`);
    const [actual] = sql("select count(*)::int as n from marts.customers");
    expect(actual!.n).toBe(expected!.n);
    // staging cleaned the mess: the raw lake has mixed-case or padded emails, the mart none
    const [raw] = sql(`select count(*)::int as n from ${lake("customers")} where email <> lower(trim(email))`);
    expect(raw!.n as number).toBeGreaterThan(0);
    expect(sql("select count(*)::int as n from marts.customers where email <> lower(trim(email))")[0]!.n).toBe(0);
  });

  test("current MRR: the month's MRR is the paying subscriptions' MRR, and without discounts it is items × prices from raw", () => {
    const [mrr] = sql("select round(sum(mrr), 2)::double as v from marts.mrr_monthly where month = date '2026-11-01'");
    const [subs] = sql("select round(sum(mrr), 2)::double as v from marts.subscriptions");
    expect(mrr!.v).toBe(subs!.v);
    // subscriptions in force with no discount: unit amount × quantity per month, straight from the raw objects;
    // the demo's test accounts are excluded from MRR (project.yaml vars.excluded_*) and flagged in marts.customers
    const lake = join(dir, "lake/raw/stripe/subscriptions/*/*.parquet");
    const [raw] = sql(`with latest as (
        select * from read_parquet('${lake}') qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1),
      plain as (select * from latest where status in ('active', 'past_due') and pause_collection is null
        and coalesce(json_array_length(discounts), 0) = 0
        and customer not in (select customer_id from marts.customers where is_excluded)),
      items as (select id, unnest(cast(items -> '$.data' as json[])) as item from plain),
      raw as (select id, sum(cast(item ->> '$.quantity' as double) * cast(item ->> '$.price.unit_amount' as double) / 100
        / case item ->> '$.price.recurring.interval' when 'year' then 12 else 1 end) as mrr from items group by id)
      select round(sum(raw.mrr), 2)::double as v, round(sum(s.mrr), 2)::double as mart, count(*)::int as n
      from raw left join marts.subscriptions s on s.subscription_id = raw.id`);
    expect(raw!.mart).toBe(raw!.v);
    expect(raw!.n as number).toBeGreaterThan(300);
  });

  test("October's churn: customers paying at September's end and not at October's, from the customer rows", () => {
    const [row] = sql(
      "select churned_customers::int as c, customers_at_start::int as s from marts.mrr_monthly where month = date '2026-10-01'",
    );
    const [own] = sql(`select count(*) filter (where sep.mrr > 0)::int as s,
        count(*) filter (where sep.mrr > 0 and coalesce(oct.mrr, 0) = 0)::int as c
      from (select customer_id, mrr from marts.customer_mrr_monthly where month = date '2026-09-01') sep
      left join (select customer_id, mrr from marts.customer_mrr_monthly where month = date '2026-10-01') oct using (customer_id)`);
    expect(row).toEqual(own!);
    expect(row!.s as number).toBeGreaterThan(100);
    expect(row!.c as number).toBeGreaterThan(0);
    expect((row!.c as number) / (row!.s as number)).toBeLessThan(0.15);
  });

  test("dp test passes on the built project and dp sources shows fresh sources", () => {
    expect(dp(["test", "-C", dir], { env }).code).toBe(0);
    const sources = JSON.parse(dp(["sources", "--json", "-C", dir], { env }).stdout) as {
      source: string;
      status: string;
      rows: number;
    }[];
    expect(sources.map((s) => s.source).sort()).toEqual(["hubspot", "product", "stripe", "support"]);
    expect(sources.every((s) => s.status === "fresh" && s.rows > 0)).toBe(true);
  });

  test("a second dp run on the same day adds no duplicate rows to any mart", async () => {
    const before = await martHashes();
    const again = dp(["run", "-C", dir], { env });
    expect(again.code).toBe(0);
    expect(await martHashes()).toEqual(before);
  }, 120_000);

  test("a day later the run adds new data and marts move forward", () => {
    const r = dp(["run", "-C", dir], { env: { DP_NOW: "2026-11-22T06:00:00Z" } });
    expect(r.code).toBe(0);
    const [row] = sql("select max(created_at)::date::varchar as d from marts.customers");
    expect(String(row!.d) >= "2026-11-20").toBe(true);
  }, 120_000);

  test("the incremental events model equals a full rebuild, after new events and late customers", () => {
    const events = () =>
      sql("select count(*)::int as n, sum(hash(t::varchar))::varchar as h from staging.stg_product__events as t")[0];
    const later = { DP_NOW: "2026-11-22T12:00:00Z" };
    expect(dp(["run", "-C", dir], { env: later }).code).toBe(0);
    const incremental = events();
    expect(dp(["build", "--full-refresh", "--select", "stg_product__events", "-C", dir], { env: later }).code).toBe(0);
    expect(events()).toEqual(incremental);
  }, 120_000);

  test("dp sql refuses anything but one SELECT", () => {
    for (const bad of [
      "drop table marts.customers",
      "select 1; select 2",
      "copy marts.customers to '/tmp/x.csv'",
      "attach '/tmp/x.duckdb'",
    ]) {
      const r = dp(["sql", bad, "-C", dir], { env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("error[");
    }
    const r = dp(["sql", "select * from read_csv('/etc/passwd')", "-C", dir], { env });
    expect(r.code).not.toBe(0);
  });
});
