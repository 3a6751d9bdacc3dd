/**
 * What the Stripe connector lands for the pack's streams: the pinned columns and types (the contract
 * the demo generator copies), whole nested lists, expanded discounts whether an object came from a list
 * page or from an event, ended subscriptions that are not deletions, an events stream, and an empty
 * stream that still has a typed file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STRIPE_COLUMNS } from "../../connectors/stripe/columns.ts";
import { streamGlob } from "../../engine/ingest/lake-writer.ts";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { StripeAccount } from "../fakes/stripe-account.ts";
import { devScenario } from "../fixtures/stripe/dev.ts";
import { DP_LATER, DP_NOW, type Scenario } from "../fixtures/stripe/scenario.ts";
import { runDp, snapshotRows } from "../helpers.ts";
import { HttpProject } from "./http-project.ts";
import { shippedPack } from "./packs.ts";

const PACK_STREAMS = Object.keys(STRIPE_COLUMNS);
const PACK_CONFIG = {
  streams: PACK_STREAMS,
  expand: { subscriptions: ["discounts"], invoices: ["discounts"] },
  event_types: { events: ["customer.subscription.*"] },
};

const cleanups: (() => unknown)[] = [];
const dpNowBefore = process.env.DP_NOW;
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  if (dpNowBefore === undefined) delete process.env.DP_NOW;
  else process.env.DP_NOW = dpNowBefore;
});

function projectFor(account: StripeAccount, config: Record<string, unknown> = PACK_CONFIG): HttpProject {
  process.env.STRIPE_API_KEY = account.fake.apiKey;
  return new HttpProject("stripe", {
    connector: "stripe",
    lookback: "10m",
    config: { api_key: "${STRIPE_API_KEY}", base_url: account.fake.url, ...config },
  });
}

/** Every Parquet file of a stream, described by DuckDB: one schema per file. */
async function fileSchemas(project: HttpProject, stream: string): Promise<string[]> {
  const db = await Db.open(":memory:");
  try {
    const out: string[] = [];
    for (const f of project.parquetFiles(stream)) {
      const path = join(project.dir, "lake", "raw", "stripe", stream, f);
      const cols = await db.describe(`SELECT * FROM read_parquet('${path}', hive_partitioning = false)`);
      out.push(cols.map((c) => `${c.name} ${c.type}`).join(", "));
    }
    return out;
  } finally {
    db.close();
  }
}

async function query<T extends Record<string, unknown> = Record<string, unknown>>(
  project: HttpProject,
  stream: string,
  sql: string,
): Promise<T[]> {
  const db = await Db.open(":memory:");
  try {
    const glob = streamGlob(join(project.dir, "lake", "raw"), "stripe", stream);
    await db.run(
      `CREATE VIEW s AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`,
    );
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

describe("stripe connector, the pack's streams, on the dev account pulled at DP_NOW and an hour later", () => {
  let s: Scenario;
  let project: HttpProject;
  beforeAll(async () => {
    s = await devScenario();
    project = projectFor(s.account);
    process.env.DP_NOW = DP_NOW;
    expect((await project.pull()).status).toBe("ok");
    s.runLater();
    process.env.DP_NOW = DP_LATER;
    expect((await project.pull()).status).toBe("ok");
  }, 60_000);
  afterAll(async () => {
    await s.account.close();
    project.remove();
  });

  test("every file of every stream has exactly the pinned columns and types", async () => {
    for (const stream of PACK_STREAMS) {
      const pinned = Object.entries(STRIPE_COLUMNS[stream]!).map(([c, t]) => `${c} ${t}`);
      const want = [...pinned, "_dp_run_id VARCHAR", "_dp_loaded_at TIMESTAMP WITH TIME ZONE"].join(", ");
      const schemas = await fileSchemas(project, stream);
      expect(schemas.length).toBeGreaterThan(0);
      for (const got of schemas) expect({ stream, got }).toEqual({ stream, got: want });
    }
    // no drift was reported: the types never depend on the values in a batch
    for (const stream of PACK_STREAMS)
      expect({ stream, drift: project.stream(stream)?.drift ?? null }).toEqual({ stream, drift: null });
  });

  test("objects landed from events are read again with the stream's expansions: discounts are objects in every file, and the raw lake reads as one table", async () => {
    const acme = s.customers["Acme Analytics"]!;
    const rows = await query<{ n: bigint; kinds: string[]; coupon: string }>(
      project,
      "subscriptions",
      `SELECT count(*) AS n, list(DISTINCT json_type(discounts -> '$[0]')) AS kinds, any_value(discounts ->> '$[0].source.coupon') AS coupon
       FROM s WHERE customer = '${acme}'`,
    );
    // listed at 06:00 with discounts expanded, then landed again from the 06:30 event: both as objects
    expect(Number(rows[0]!.n)).toBe(2);
    expect(rows[0]!.kinds).toEqual(["OBJECT"]);
    expect(rows[0]!.coupon).toBe("FOREVER20");
    const retrieved = s.account.fake.server.answered(/^\/v1\/subscriptions\/sub_/);
    expect(retrieved.length).toBeGreaterThan(0);
    expect(retrieved.every((r) => r.query.getAll("expand[]").join() === "discounts")).toBe(true);
    expect(retrieved.every((r) => r.headers["stripe-version"] === "2026-07-29.dahlia")).toBe(true);
  });

  test("customer.subscription.deleted lands the ended subscription (status canceled, ended_at), never a deletion", async () => {
    const kite = s.customers["Kite Kitchens"]!;
    const [latest] = await query<{ status: string; ended_at: number }>(
      project,
      "subscriptions",
      `SELECT arg_max(status, _dp_loaded_at) AS status, arg_max(ended_at, _dp_loaded_at) AS ended_at FROM s WHERE customer = '${kite}'`,
    );
    expect(latest).toEqual({ status: "canceled", ended_at: Date.parse("2026-11-21T06:40:00Z") / 1000 });
    expect(s.account.fake.events.some((e) => e.type === "customer.subscription.deleted")).toBe(true);
    // the subscriptions stream has no `deleted` column at all: Stripe never deletes a subscription
    expect(STRIPE_COLUMNS.subscriptions!.deleted).toBeUndefined();
  });

  test("the events stream lists the configured types only; events never change, so it reads no events of its own", async () => {
    const ofEventsStream = s.account.fake.server
      .answered("/v1/events")
      .filter((r) => r.query.get("type") === "customer.subscription.*");
    expect(ofEventsStream.length).toBeGreaterThan(0);
    const [row] = await query<{ n: bigint; other: bigint }>(
      project,
      "events",
      "SELECT count(DISTINCT id) AS n, count(*) FILTER (WHERE type NOT LIKE 'customer.subscription.%') AS other FROM s",
    );
    // what the first pull could still list (30 days back), and everything since
    const retained = s.account.fake.events.filter(
      (e) => e.type.startsWith("customer.subscription.") && e.created >= Date.parse(DP_NOW) / 1000 - 30 * 86_400,
    );
    expect(Number(row!.n)).toBe(retained.length);
    expect(Number(row!.other)).toBe(0);
  });
});

describe("stripe connector, the pack's streams, small accounts", () => {
  test("an invoice with 12 lines and a subscription with 12 items land whole: the embedded lists stop at 10, the rest is read from their endpoints", async () => {
    const a = await StripeAccount.start({ seed: "long-lists", start: "2026-09-01T00:00:00Z" });
    cleanups.push(() => a.close());
    const prices = Array.from({ length: 12 }, (_, i) =>
      a.price(a.product({ name: `Add-on ${i + 1}` }), { unitAmount: 100 * (i + 1), interval: "month" }),
    );
    const cus = a.customer({ name: "Many Things Ltd", email: "ap@many.example" });
    a.at("2026-09-10T10:00:00Z");
    const sub = a.subscribe(
      cus,
      prices.map((price) => ({ price })),
    );
    a.at("2026-10-15T00:00:00Z");
    const project = projectFor(a, { ...PACK_CONFIG, streams: ["subscriptions", "invoices"] });
    cleanups.push(() => project.remove());
    process.env.DP_NOW = "2026-10-15T00:00:00Z";
    await project.pull();
    const [subRow] = await query<{ n: bigint }>(
      project,
      "subscriptions",
      `SELECT json_array_length(items -> '$.data') AS n FROM s WHERE id = '${sub.id}'`,
    );
    expect(Number(subRow!.n)).toBe(12);
    const invoices = await query<{ n: bigint }>(
      project,
      "invoices",
      "SELECT json_array_length(lines -> '$.data') AS n FROM s",
    );
    expect(invoices.map((r) => Number(r.n))).toEqual([12, 12]);
    expect(a.fake.server.answered(/^\/v1\/invoices\/in_[^/]+\/lines$/).length).toBe(2);
    expect(a.fake.server.answered("/v1/subscription_items").length).toBe(1);
    // the renewal's event holds the subscription truncated too: landed from it, the items are whole again
    a.at("2026-11-10T12:00:00Z");
    process.env.DP_NOW = "2026-11-10T12:00:00Z";
    await project.pull();
    const again = await query<{ n: number; loaded: string }>(
      project,
      "subscriptions",
      `SELECT json_array_length(items -> '$.data') AS n, CAST(_dp_loaded_at AS VARCHAR) AS loaded FROM s WHERE id = '${sub.id}'`,
    );
    // the first pull, then the lookback window's re-list and the renewal's event: every copy whole
    expect(new Set(again.map((r) => r.loaded)).size).toBe(2);
    expect(again.map((r) => Number(r.n))).toEqual(again.map(() => 12));
  }, 60_000);

  test("a stream with no objects yet (no refunds so far) reads as an empty table of its columns, so the pack's model over it builds", async () => {
    const a = await StripeAccount.start({ seed: "no-refunds", start: "2026-09-01T00:00:00Z" });
    cleanups.push(() => a.close());
    a.customer({ name: "Quiet Co", email: "hi@quiet.example" });
    const project = projectFor(a, { ...PACK_CONFIG, streams: ["customers", "refunds"] });
    cleanups.push(() => project.remove());
    process.env.DP_NOW = "2026-09-02T00:00:00Z";
    const r = await project.pull();
    expect(r.streams.find((x) => x.stream === "refunds")).toMatchObject({ rows: 0 });
    const model = (await shippedPack("stripe")).files["models/staging/stripe/stg_stripe__refunds.sql"]!;
    mkdirSync(join(project.dir, "models", "staging"), { recursive: true });
    writeFileSync(join(project.dir, "models", "staging", "stg_stripe__refunds.sql"), model);
    const built = await runDp(["build", "-C", project.dir], { env: { DP_NOW: "2026-09-02T00:00:00Z" } });
    expect(built.code).toBe(0);
    const rows = await snapshotRows(
      project.dir,
      "SELECT count(*) AS n, (SELECT data_type FROM information_schema.columns WHERE table_name = 'stg_stripe__refunds' AND column_name = 'amount') AS amount_type FROM staging.stg_stripe__refunds",
    );
    expect(rows).toEqual([{ n: 0, amount_type: "DOUBLE" }]);
  }, 60_000);
});
