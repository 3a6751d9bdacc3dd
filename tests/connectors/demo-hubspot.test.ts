import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { demoConfigSchema } from "../../connectors/demo/config.ts";
import { demo as demoConnector } from "../../connectors/demo/index.ts";
import { signupEmail } from "../../connectors/demo/identity.ts";
import { customerId } from "../../connectors/demo/lifecycle.ts";
import { makeWorld } from "../../connectors/demo/world.ts";
import { COLUMNS } from "../../connectors/hubspot/columns.ts";
import type { RawRecord, StreamState } from "../../engine/ingest/connector.ts";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { CrmBuilder, FakeHubspot } from "../fakes/hubspot.ts";
import * as dev from "../fixtures/hubspot/dev/index.ts";
import { HttpProject } from "./http-project.ts";
import { PackProject, shippedPack } from "./packs.ts";

/**
 * The demo's `dataset: hubspot` lands what the hubspot connector lands from a real portal (here
 * the fake, scripted with the dev scenario): the same streams with the same columns and DuckDB
 * types in every file. Then the HubSpot pack, unchanged, builds over the demo's CRM through the
 * real CLI, and its sales answers agree with the classic demo's deals where the two can agree.
 */
const NOW = "2026-11-21T06:00:00Z";
const DEMO = { seed: 42, scale: "small", start: "2025-05-01" };
const STREAMS = Object.keys(COLUMNS);

/** Every Parquet file of each stream, as DuckDB describes it: stream → distinct "col TYPE, …" schemas. */
async function landedSchemas(project: HttpProject): Promise<Record<string, string[]>> {
  const db = await Db.open(":memory:");
  try {
    const out: Record<string, string[]> = {};
    for (const stream of STREAMS) {
      const schemas = new Set<string>();
      for (const f of project.parquetFiles(stream)) {
        const path = join(project.dir, "lake", "raw", project.source, stream, f);
        const cols = await db.describe(`SELECT * FROM read_parquet('${path}', hive_partitioning = false)`);
        schemas.add(cols.map((c) => `${c.name} ${c.type}`).join(", "));
      }
      out[stream] = [...schemas];
    }
    return out;
  } finally {
    db.close();
  }
}

describe("demo dataset: hubspot lands the hubspot connector's columns and types", () => {
  let fake: FakeHubspot;
  let real: HttpProject;
  let demo: HttpProject;
  const dpNow = process.env.DP_NOW;

  beforeAll(async () => {
    process.env.DP_NOW = NOW;
    fake = await FakeHubspot.start({});
    dev.scenario.first(new CrmBuilder(fake));
    process.env.HUBSPOT_TOKEN = fake.token;
    real = new HttpProject("hubspot", {
      connector: "hubspot",
      config: { access_token: "${HUBSPOT_TOKEN}", base_url: fake.url },
    });
    demo = new HttpProject("hubspot", { connector: "demo", config: { ...DEMO, dataset: "hubspot" } });
  });

  afterAll(async () => {
    await fake?.close();
    real?.remove();
    demo?.remove();
    if (dpNow === undefined) delete process.env.DP_NOW;
    else process.env.DP_NOW = dpNow;
  });

  test("first pulls: every stream, one schema per stream, identical on both sides", async () => {
    expect((await real.pull()).status).toBe("ok");
    const started = performance.now();
    expect((await demo.pull()).status).toBe("ok");
    const seconds = (performance.now() - started) / 1000;
    const [want, got] = [await landedSchemas(real), await landedSchemas(demo)];
    for (const stream of STREAMS) {
      expect({ stream, schemas: want[stream]!.length }).toEqual({ stream, schemas: 1 });
      expect({ stream, schemas: got[stream] }).toEqual({ stream, schemas: want[stream] });
    }
    // offline in seconds: the whole small CRM (~2k companies, ~2k contacts, ~1.7k deals)
    expect(seconds).toBeLessThan(15);
  });

  test("an incremental pull an hour later lands the same schema (only the deleted deals and the portal again)", async () => {
    process.env.DP_NOW = "2026-11-21T07:00:00Z";
    expect((await demo.pull()).status).toBe("ok");
    const again = await landedSchemas(demo);
    for (const stream of STREAMS) expect({ stream, n: again[stream]!.length }).toEqual({ stream, n: 1 });
    expect(demo.stream("deals")?.drift).toBeUndefined();
    process.env.DP_NOW = NOW;
  });

  test("the classic streams stay the default; a HubSpot stream name outside dataset: hubspot is a config error", async () => {
    const wrong = new HttpProject("demo", { connector: "demo", config: { ...DEMO, streams: ["companies"] } });
    try {
      const r = await wrong.pull().catch((e: Error) => e);
      const message = r instanceof Error ? r.message : JSON.stringify(r);
      expect(message).toContain("dataset: hubspot");
    } finally {
      wrong.remove();
    }
  });
});

/**
 * The Stripe–HubSpot bridge's customer_matches, unchanged, over a stand-in for the Stripe
 * customers: every customer the world has signed up by NOW, with the id and signup email the demo
 * gives it (identity.ts). What the bridge will match once the demo's Stripe dataset lands them.
 */
function addBridgeOverWorldCustomers(dir: string, bridgeSql: string, excludedSql: string): void {
  const world = makeWorld(demoConfigSchema.parse(DEMO), new Date(NOW));
  const rows: string[] = [];
  for (let i = 0; world.signupAt(i) <= world.now; i++)
    rows.push(`('${customerId(i)}', '${signupEmail(world.seed, i)}')`);
  mkdirSync(join(dir, "models/staging/stripe"), { recursive: true });
  writeFileSync(
    join(dir, "models/staging/stripe/stg_stripe__customers.sql"),
    `select customer_id, null as customer_name, email, split_part(email, '@', 2) as email_domain,
            '{}'::json as metadata, timestamp '${NOW.slice(0, 19)}' as loaded_at
     from (values ${rows.join(", ")}) c(customer_id, email)\n`,
  );
  // the bridge flags the customers the stripe pack excludes from its metrics (none here: no vars)
  mkdirSync(join(dir, "models/intermediate/stripe"), { recursive: true });
  writeFileSync(join(dir, "models/intermediate/stripe/int_stripe__excluded_customers.sql"), excludedSql);
  // the stripe pack's "now" (the last pull's day or the newest landing), which the bridge dates its matches by
  writeFileSync(
    join(dir, "models/intermediate/stripe/int_stripe__month_ends.sql"),
    `select timestamp '${NOW.slice(0, 19)}' as now_at\n`,
  );
  mkdirSync(join(dir, "models/marts/customers"), { recursive: true });
  writeFileSync(join(dir, "models/marts/customers/customer_matches.sql"), bridgeSql);
}

/** One stream of the demo's hubspot dataset read in process: its records and the state it commits last. */
async function readDemo(stream: string, now: string, state?: StreamState, scale = "tiny") {
  const config = demoConnector.config.parse({ ...DEMO, scale, dataset: "hubspot" });
  const spec = demoConnector.streams(config).find((s) => s.name === stream)!;
  const records: RawRecord[] = [];
  let last: StreamState | undefined;
  const log = { info() {}, warn() {}, debug() {} };
  const ctx = { source: "hubspot", stream: spec, state, now: new Date(now), fullRefresh: !state, lookbackMs: 0, log };
  for await (const b of demoConnector.read(config, { ...ctx, retry: { maxAttempts: 1, maxWaitMs: 0 } })) {
    records.push(...b.records);
    if (b.state) last = b.state;
  }
  return { records, state: last };
}

describe("demo dataset: hubspot, read in process", () => {
  test("deterministic: the same seed and now give the same records", async () => {
    for (const stream of STREAMS) {
      const [a, b] = [await readDemo(stream, NOW), await readDemo(stream, NOW)];
      expect(a.records.length).toBeGreaterThan(0);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
  });

  test("incremental: after the cursor, only what changed since (as it stands now), then every deleted deal again", async () => {
    const first = await readDemo("deals", "2026-09-01T00:00:00Z", undefined, "small");
    const cursor = String(first.state!.cursor);
    const later = await readDemo("deals", NOW, first.state, "small");
    const full = await readDemo("deals", NOW, undefined, "small");
    const changed = (r: RawRecord) => !r.archived && String(r.updatedAt) > cursor;
    expect(later.records.filter((r) => !r.archived)).toEqual(full.records.filter(changed));
    expect(later.records.filter((r) => r.archived)).toEqual(full.records.filter((r) => r.archived));
    expect(later.records.filter((r) => !r.archived).length).toBeGreaterThan(100);
    expect(String(later.state!.cursor) <= NOW.replace("Z", ".000Z")).toBe(true);
  });
});

interface Sales {
  octWon: number;
  octLost: number;
  octWonAmount: number;
  octWinRate: number;
  openDeals: number;
  openAmount: number;
  avgWonAllTime: number;
}

/**
 * The same questions over the classic demo's `deals` stream, as its models answer them
 * (as the classic models stg_crm__deals and pipeline_deals did: the newest row per deal; won/lost by stage, open otherwise).
 */
async function classicSales(): Promise<Sales> {
  const project = new HttpProject("crm", { connector: "demo", config: { ...DEMO, streams: ["deals"] } });
  const dpNow = process.env.DP_NOW;
  process.env.DP_NOW = NOW;
  try {
    expect((await project.pull()).status).toBe("ok");
    const db = await Db.open(":memory:");
    try {
      const [r] = await db.all<Record<string, number>>(
        `WITH latest AS (
           SELECT * FROM read_parquet('${project.dir}/lake/raw/crm/deals/*/*.parquet', union_by_name = true)
           QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY updated_at DESC, _dp_loaded_at DESC) = 1),
         d AS (SELECT stage, amount_cents / 100 AS amount, closed_at AT TIME ZONE 'UTC' AS closed_at FROM latest),
         oct AS (SELECT * FROM d WHERE closed_at >= TIMESTAMP '2026-10-01' AND closed_at < TIMESTAMP '2026-11-01')
         SELECT
           (SELECT count(*) FILTER (WHERE stage = 'closed_won') FROM oct)::INTEGER AS octWon,
           (SELECT count(*) FILTER (WHERE stage = 'closed_lost') FROM oct)::INTEGER AS octLost,
           (SELECT sum(amount) FILTER (WHERE stage = 'closed_won') FROM oct)::DOUBLE AS octWonAmount,
           (SELECT count(*) FILTER (WHERE stage = 'closed_won') / count(*) FROM oct)::DOUBLE AS octWinRate,
           (SELECT count(*) FROM d WHERE stage NOT IN ('closed_won', 'closed_lost'))::INTEGER AS openDeals,
           (SELECT sum(amount) FROM d WHERE stage NOT IN ('closed_won', 'closed_lost'))::DOUBLE AS openAmount,
           (SELECT avg(amount) FROM d WHERE stage = 'closed_won')::DOUBLE AS avgWonAllTime`,
      );
      return r as unknown as Sales;
    } finally {
      db.close();
    }
  } finally {
    project.remove();
    if (dpNow === undefined) delete process.env.DP_NOW;
    else process.env.DP_NOW = dpNow;
  }
}

describe("the HubSpot pack over the demo's hubspot dataset, at DP_NOW", () => {
  let project: PackProject;
  let packSales: Sales;
  let classic: Sales;
  let matches: { match_method: string; n: number }[];

  beforeAll(async () => {
    project = new PackProject([{ pack: await shippedPack("hubspot"), config: {} }], { DP_NOW: NOW });
    // the pack's source block, pointed at the demo instead of a portal: same source name, same streams
    const file = join(project.dir, "project.yaml");
    const doc = parseDocument(readFileSync(file, "utf8"));
    doc.setIn(["sources", "hubspot", "connector"], "demo");
    doc.setIn(["sources", "hubspot", "config"], doc.createNode({ ...DEMO, dataset: "hubspot" }));
    writeFileSync(file, doc.toString());
    const bridge = await shippedPack("stripe+hubspot");
    const stripe = await shippedPack("stripe");
    addBridgeOverWorldCustomers(
      project.dir,
      bridge.files["models/marts/customers/customer_matches.sql"]!,
      stripe.files["models/intermediate/stripe/int_stripe__excluded_customers.sql"]!,
    );
    const run = await project.dp(["run"], { timeoutMs: 300_000 });
    expect(run.stderr + run.stdout).toContain("success");
    expect(run.code).toBe(0);
    const [r] = await project.sql<Record<string, number>>(
      `WITH oct AS (SELECT * FROM marts.deals_closed_monthly WHERE month = DATE '2026-10-01'),
            open_now AS (SELECT * FROM marts.pipeline_monthly WHERE month = DATE '2026-11-01')
       SELECT
         (SELECT sum(deals_won) FROM oct)::INTEGER AS octWon,
         (SELECT sum(deals_lost) FROM oct)::INTEGER AS octLost,
         (SELECT sum(won_amount) FROM oct)::DOUBLE AS octWonAmount,
         (SELECT sum(deals_won) / sum(deals_closed) FROM oct)::DOUBLE AS octWinRate,
         (SELECT sum(open_deals) FROM open_now)::INTEGER AS openDeals,
         (SELECT sum(open_amount) FROM open_now)::DOUBLE AS openAmount,
         (SELECT sum(won_amount) / sum(deals_won) FROM marts.deals_closed_monthly)::DOUBLE AS avgWonAllTime`,
    );
    packSales = r as unknown as Sales;
    classic = await classicSales();
    matches = await project.sql<{ match_method: string; n: number }>(
      "SELECT match_method, count(*)::INTEGER AS n FROM marts.customer_matches GROUP BY 1 ORDER BY 1",
    );
  }, 300_000);

  afterAll(() => project?.remove());

  test("win rate in October 2026, open pipeline now, average won deal size: the values, pinned", () => {
    expect({
      ...packSales,
      octWinRate: round(packSales.octWinRate),
      avgWonAllTime: round(packSales.avgWonAllTime),
    }).toEqual({
      octWon: 25,
      octLost: 58,
      octWonAmount: 94616.39,
      octWinRate: round(25 / 83),
      openDeals: 480,
      openAmount: 1377264,
      avgWonAllTime: round(1382956.1 / 453),
    });
  });

  test("what was won agrees with the classic deals exactly: the same deals, amounts and close dates", () => {
    expect(packSales.octWon).toBe(classic.octWon);
    expect(packSales.octLost).toBe(classic.octLost);
    expect(packSales.octWonAmount).toBeCloseTo(classic.octWonAmount, 6);
    expect(packSales.octWinRate).toBeCloseTo(classic.octWinRate, 9);
    expect(packSales.avgWonAllTime).toBeCloseTo(classic.avgWonAllTime, 6);
  });

  test("open pipeline: the classic count less the deals HubSpot lists as deleted and those that closed before the history", async () => {
    const db = await Db.open(":memory:");
    const [deleted] = await db
      .all<{ n: number; amount: number }>(
        `SELECT count(*)::INTEGER AS n, sum((properties->>'amount')::DECIMAL(18, 2))::DOUBLE AS amount
         FROM read_parquet('${project.dir}/lake/raw/hubspot/deals/*/*.parquet')
         WHERE archived AND (properties->>'hs_is_closed') = 'false'`,
      )
      .finally(() => db.close());
    expect(deleted!.n).toBeGreaterThan(0);
    expect(packSales.openDeals + deleted!.n).toBeLessThanOrEqual(classic.openDeals);
    expect(packSales.openAmount + deleted!.amount).toBeLessThanOrEqual(classic.openAmount);
    // the stock rebuilt from property history equals the deals open as they stand now
    const [now] = await project.sql<{ n: number; amount: number }>(
      "SELECT count(*)::INTEGER AS n, sum(amount)::DOUBLE AS amount FROM marts.deals WHERE is_open",
    );
    expect(now).toEqual({ n: packSales.openDeals, amount: packSales.openAmount });
  });

  test("two pipelines: the enterprise one's won stage (98765405, not closedwon) counts as won; a rep who left still owns deals", async () => {
    const rows = await project.sql<{ pipeline: string; stage_id: string; won: number; inactive: number }>(
      `SELECT pipeline, stage_id, count(*)::INTEGER AS won,
              count(*) FILTER (WHERE NOT owner_is_active)::INTEGER AS inactive
       FROM marts.deals WHERE is_won GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(rows.map((r) => [r.pipeline, r.stage_id])).toEqual([
      ["Enterprise", "98765405"],
      ["Sales Pipeline", "closedwon"],
    ]);
    expect(rows.every((r) => r.won > 10 && r.inactive > 0)).toBe(true);
  });

  test("customer matching: by domain mostly, by stripe_customer_id for some, never through a free-mail address", () => {
    const by = Object.fromEntries(matches.map((m) => [m.match_method, m.n]));
    expect(by).toEqual({
      email_domain: 581,
      stripe_customer_id: 60,
      free_mail: 65,
      ambiguous_domain: 33,
      no_match: 312,
      company_only: 1392,
    });
  });
});

const round = (n: number) => Math.round(n * 1e9) / 1e9;
