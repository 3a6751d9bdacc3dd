import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { demo } from "../../connectors/demo/index.ts";
import { MAX_BATCH } from "../../connectors/demo/timeline.ts";
import type { Batch, RawRecord, ReadContext, StreamState } from "../../engine/ingest/connector.ts";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { loadProject } from "../../engine/config/project.ts";
import { pull } from "../../engine/ingest/pull.ts";
import { dp, repoRoot, tempDir } from "../helpers.ts";

const NOW = new Date("2026-11-21T06:00:00Z");
const DAY = 86_400_000;
const quiet = { info() {}, warn() {}, debug() {} };

type Config = ReturnType<typeof demo.config.parse>;

function configOf(raw: Record<string, unknown>): Config {
  return demo.config.parse({ start: "2025-05-01", ...raw });
}

function ctx(
  config: Config,
  stream: string,
  options: { now?: Date; state?: StreamState; lookbackMs?: number } = {},
): ReadContext {
  const spec = demo.streams(config).find((s) => s.name === stream)!;
  return {
    source: "demo",
    stream: spec,
    state: options.state,
    now: options.now ?? NOW,
    fullRefresh: !options.state,
    lookbackMs: options.lookbackMs ?? 0,
    retry: { maxAttempts: 1, maxWaitMs: 0 },
    log: quiet,
  };
}

async function readAll(
  config: Config,
  stream: string,
  options: Parameters<typeof ctx>[2] = {},
): Promise<{ records: RawRecord[]; batches: Batch[]; state?: StreamState }> {
  const records: RawRecord[] = [];
  const batches: Batch[] = [];
  let state: StreamState | undefined;
  for await (const b of demo.read(config, ctx(config, stream, options))) {
    records.push(...b.records);
    batches.push({ records: [], state: b.state });
    if (b.state) state = b.state;
  }
  return { records, batches, state };
}

const tiny = configOf({ scale: "tiny" });

describe("demo connector", () => {
  test("config is strict and has sensible defaults", () => {
    const c = demo.config.parse({});
    expect(c).toMatchObject({ seed: 42, scale: "small", events_per_active_day: 2 });
    expect(() => demo.config.parse({ sede: 1 })).toThrow();
    expect(demo.streams(configOf({ streams: ["events"] })).map((s) => s.name)).toEqual(["events"]);
    for (const spec of demo.streams(c)) {
      expect(spec.cursorField).toBeDefined();
      expect(Object.keys(spec.columns ?? {})).toContain(spec.cursorField!);
      expect(Object.keys(spec.columns ?? {})).toContain(spec.primaryKey[0]!);
    }
  });

  test("same seed gives the same records; another seed a different company", async () => {
    for (const stream of ["subscriptions", "events", "deals"]) {
      const a = await readAll(tiny, stream);
      const b = await readAll(tiny, stream);
      expect(a.records.length).toBeGreaterThan(0);
      expect(JSON.stringify(b.records)).toBe(JSON.stringify(a.records));
    }
    const other = await readAll(configOf({ scale: "tiny", seed: 7 }), "subscriptions");
    const base = await readAll(tiny, "subscriptions");
    expect(JSON.stringify(other.records)).not.toBe(JSON.stringify(base.records));
  });

  test("the generated company is pinned: each stream's records, in order, hash to the same digest", async () => {
    // the generator is rewritten for speed now and then; the data it makes must not move
    const config = configOf({ scale: 300 });
    const digests: Record<string, string> = {};
    for (const spec of demo.streams(config)) {
      const hash = new Bun.CryptoHasher("sha256");
      for (const r of (await readAll(config, spec.name)).records) hash.update(`${JSON.stringify(r)}\n`);
      digests[spec.name] = hash.digest("hex").slice(0, 16);
    }
    expect(digests).toEqual({
      plans: "adf94e2d43816197",
      customers: "3b9adf061f748009",
      subscriptions: "ea64b2a2e7de3d52",
      invoices: "c6bbb145741c95fe",
      payments: "197bb6dce6a835ef",
      events: "446ac6ad6c3a95ce",
      tickets: "d6f304890c973d34",
      deals: "366498df63608347",
    });
  });

  test("streams are generated independently and their ids agree", async () => {
    const alone = await readAll(configOf({ scale: "tiny", streams: ["invoices"] }), "invoices");
    const together = await readAll(tiny, "invoices");
    expect(JSON.stringify(alone.records)).toBe(JSON.stringify(together.records));

    const ids = async (stream: string, field: string) =>
      new Set((await readAll(tiny, stream)).records.map((r) => r[field] as string));
    const customers = await ids("customers", "customer_id");
    const subscriptions = await ids("subscriptions", "subscription_id");
    const invoices = await ids("invoices", "invoice_id");
    const plans = await ids("plans", "plan_id");
    const subset = (child: Set<string>, parent: Set<string>) =>
      [...child].filter((id) => id !== null && !parent.has(id));
    expect(subset(await ids("subscriptions", "customer_id"), customers)).toEqual([]);
    expect(subset(await ids("subscriptions", "plan_id"), plans)).toEqual([]);
    expect(subset(await ids("invoices", "subscription_id"), subscriptions)).toEqual([]);
    expect(subset(await ids("payments", "invoice_id"), invoices)).toEqual([]);
    expect(subset(await ids("events", "customer_id"), customers)).toEqual([]);
    expect(subset(await ids("tickets", "customer_id"), customers)).toEqual([]);
    expect(subset(await ids("deals", "customer_id"), customers)).toEqual([]);
  });

  test("records come out in cursor order, never after now, in bounded batches", async () => {
    for (const spec of demo.streams(tiny)) {
      const { records, batches } = await readAll(tiny, spec.name);
      const cursors = records.map((r) => r[spec.cursorField!] as string);
      expect(cursors).toEqual([...cursors].sort());
      expect(cursors.every((c) => c <= NOW.toISOString() && c >= "2025-05-01")).toBe(true);
      expect(batches.at(-1)?.state?.cursor).toBe(cursors.at(-1));
    }
  });

  test("streams a bigger company in bounded batches with flat memory", async () => {
    const config = configOf({ scale: "small", events_per_active_day: 4 });
    const c = ctx(config, "events");
    Bun.gc(true);
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    let batches = 0;
    let last = "";
    let ordered = true;
    for await (const b of demo.read(config, c)) {
      expect(b.records.length).toBeLessThanOrEqual(MAX_BATCH);
      const first = b.records[0]!.occurred_at as string;
      if (first < last) ordered = false;
      last = b.records.at(-1)!.occurred_at as string;
      rows += b.records.length;
      if (++batches % 20 === 0) {
        Bun.gc(true);
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    expect(ordered).toBe(true);
    expect(rows).toBeGreaterThan(600_000);
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(rows / MAX_BATCH));
    // holding the stream would take hundreds of MB; streaming keeps a window of records
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });

  test("a second pull with the committed cursor at the same now emits nothing; a day later only what is new", async () => {
    let newer = 0;
    for (const stream of [
      "subscriptions",
      "events",
      "tickets",
      "deals",
      "customers",
      "invoices",
      "payments",
      "plans",
    ]) {
      const first = await readAll(tiny, stream);
      const again = await readAll(tiny, stream, { state: first.state });
      expect(again.records).toEqual([]);

      const later = new Date(NOW.getTime() + DAY);
      const next = await readAll(tiny, stream, { state: first.state, now: later, lookbackMs: DAY });
      const full = await readAll(tiny, stream, { now: later });
      // the past is stable: what a later full refresh sees is the first pull plus the increment
      const seen = new Set([...first.records, ...next.records].map((r) => JSON.stringify(r)));
      const expected = new Set(full.records.map((r) => JSON.stringify(r)));
      expect([...expected].filter((r) => !seen.has(r))).toEqual([]);
      expect([...seen].filter((r) => !expected.has(r))).toEqual([]);
      const cursorField = demo.streams(tiny).find((s) => s.name === stream)!.cursorField!;
      newer += next.records.filter((r) => (r[cursorField] as string) > (first.state!.cursor as string)).length;
    }
    expect(newer).toBeGreaterThan(0);
  });

  test("the past is stable: everything visible months ago is still there, unchanged, today", async () => {
    const earlier = new Date(NOW.getTime() - 75 * DAY);
    for (const spec of demo.streams(tiny)) {
      const then = await readAll(tiny, spec.name, { now: earlier });
      const today = new Set((await readAll(tiny, spec.name)).records.map((r) => JSON.stringify(r)));
      expect(then.records.length).toBeGreaterThan(0);
      expect(then.records.filter((r) => !today.has(JSON.stringify(r)))).toEqual([]);
    }
  });

  test("the raw data has the mess staging must clean (checked in DuckDB)", async () => {
    const dir = tempDir("dp-demo-");
    // the classic billing streams (the demo project itself lands billing as Stripe objects)
    writeFileSync(
      join(dir, "project.yaml"),
      `name: mess\nsources:\n  billing:\n    connector: demo\n    config: { seed: 42, scale: tiny, start: "2025-05-01", streams: [plans, customers, subscriptions, invoices, payments] }\n`,
    );
    const previous = process.env.DP_NOW;
    process.env.DP_NOW = NOW.toISOString();
    try {
      const results = await pull(loadProject(dir), { sources: ["billing"] });
      expect(results.map((r) => r.status)).toEqual(["ok"]);
    } finally {
      if (previous === undefined) delete process.env.DP_NOW;
      else process.env.DP_NOW = previous;
    }
    const raw = (stream: string) =>
      `read_parquet('${join(dir, "lake/raw/billing", stream)}/*/*.parquet', hive_partitioning = true, union_by_name = true)`;
    const db = await Db.open(":memory:");
    try {
      const one = async (sql: string) => Object.values((await db.one(sql))!)[0] as number;
      expect(
        await one(`SELECT count(*) - count(DISTINCT (invoice_id, updated_at)) FROM ${raw("invoices")}`),
      ).toBeGreaterThan(0);
      expect(await one(`SELECT count(*) FROM ${raw("customers")} WHERE email <> lower(trim(email))`)).toBeGreaterThan(
        0,
      );
      expect(
        await one(`SELECT count(*) FROM ${raw("customers")} WHERE email LIKE '%@example.com' OR name LIKE 'TEST %'`),
      ).toBeGreaterThan(0);
      expect(await one(`SELECT count(*) - count(DISTINCT customer_id) FROM ${raw("customers")}`)).toBeGreaterThan(0);
      expect(
        await one(`SELECT count(*) FROM ${raw("customers")} WHERE country IS NULL OR company_size IS NULL`),
      ).toBeGreaterThan(0);
      expect(await one(`SELECT count(DISTINCT currency) FROM ${raw("invoices")}`)).toBe(2);
      expect(await one(`SELECT count(*) FROM ${raw("payments")} WHERE status = 'failed'`)).toBeGreaterThan(0);
      expect(await one(`SELECT count(DISTINCT status) FROM ${raw("subscriptions")}`)).toBe(4);
      expect(await one(`SELECT typeof(updated_at) FROM ${raw("subscriptions")} LIMIT 1`)).toBe(
        "TIMESTAMP WITH TIME ZONE" as unknown as number,
      );
    } finally {
      db.close();
    }
  });

  test("the demo project's models build and pass their tests on the generated data", () => {
    const dir = tempDir("dp-demo-build-");
    const yaml = readFileSync(join(repoRoot, "project.yaml"), "utf8").replaceAll("scale: small", "scale: tiny");
    writeFileSync(
      join(dir, "project.yaml"),
      `${yaml}\nmodels: { path: ${JSON.stringify(join(repoRoot, "models"))} }\n`,
    );
    const pulled = dp(["pull", "-C", dir]);
    expect(pulled.code).toBe(0);
    const built = dp(["build", "-C", dir]);
    expect(built.stderr + built.stdout).toMatch(/47\/47 models built, tests (\d+)\/\1 passed/);
    expect(built.code).toBe(0);
  });
});
