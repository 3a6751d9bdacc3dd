import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { FakeServer } from "../fakes/faults.ts";
import { FakeStripe } from "../fakes/stripe.ts";
import { runDp } from "../helpers.ts";
import { HttpProject } from "./http-project.ts";

let fake: FakeServer;
let records: Record<string, unknown>[] = [];
let project: HttpProject;

function definition(schema: "evolve" | "freeze") {
  return {
    connector: "rest",
    schema,
    config: {
      base_url: `${fake.url}/api/`,
      streams: { accounts: { path: "accounts", primary_key: "id", paginator: { type: "none" } } },
    },
  };
}

/** the wall clock, not the pinned one: drift is between real pulls */
const dp = (...args: string[]) => runDp([...args, "-C", project.dir], { env: { DP_NOW: undefined } });

beforeAll(async () => {
  fake = await FakeServer.start(() => ({ body: records }));
  project = new HttpProject("crm_api", definition("evolve"));
});

afterAll(async () => {
  await fake.close();
  project.remove();
});

describe("schema drift", () => {
  test("a changed source schema is listed by `dp sources --json` with added and retyped columns; a missing field is no drift", async () => {
    records = [
      { id: 1, name: "Acme", amount: 100 },
      { id: 2, name: "Globex", amount: 250 },
    ];
    expect((await project.pull()).rows).toBe(2);
    expect(project.stream("accounts")!.drift).toBeUndefined();

    records = [
      { id: 1, amount: "100.00", region: "EU" },
      { id: 2, amount: "250.00", region: "US" },
    ];
    const second = await project.pull();
    expect(second.status).toBe("ok");
    // `name` is absent from this batch: an absence of values, not a change of the source's schema
    expect(second.streams[0]!.drift).toEqual({
      added: ["region"],
      removed: [],
      retyped: ["amount: BIGINT → VARCHAR"],
    });

    const out = await dp("sources", "--json");
    expect(out.code).toBe(0);
    const [row] = JSON.parse(out.stdout) as {
      source: string;
      drift: { stream: string; added: string[]; removed: string[]; retyped: string[] }[];
    }[];
    expect(row!.source).toBe("crm_api");
    expect(row!.drift).toHaveLength(1);
    expect(row!.drift[0]).toMatchObject({
      stream: "accounts",
      added: ["region"],
      removed: [],
      retyped: ["amount: BIGINT → VARCHAR"],
    });
    const table = await dp("sources");
    expect(table.stdout).toContain("+region ~amount (accounts,");
  }, 30_000);

  test("schema: freeze fails the pull with exit 1, names the columns and the fix, and lands nothing", async () => {
    project.write(definition("freeze"));
    records = [{ id: 3, amount: "9.00", region: "EU", tier: "gold" }];
    const before = await project.lake("accounts");
    const out = await dp("pull");
    expect(out.code).toBe(1);
    const text = out.stdout + out.stderr;
    expect(text).toContain("schema drift in crm_api.accounts (added tier)");
    expect(text).toContain("frozen");
    expect(text).toContain("schema: evolve");
    expect(await project.lake("accounts")).toEqual(before);
    // unchanged fields pass a frozen schema
    records = [{ id: 4, amount: "1.00", region: "US" }];
    expect((await dp("pull")).code).toBe(0);
  }, 30_000);
});

/** The column types of one landed Parquet file. */
async function fileTypes(path: string): Promise<Record<string, string>> {
  const db = await Db.open(":memory:");
  try {
    const cols = await db.describe(`SELECT * EXCLUDE (_dp_run_id, _dp_loaded_at) FROM read_parquet('${path}')`);
    return Object.fromEntries(cols.map((c) => [c.name, c.type]));
  } finally {
    db.close();
  }
}

describe("all-null fields are no drift", () => {
  test("rest: a small incremental batch whose fields are all null keeps the declared types and reports nothing, even frozen", async () => {
    const p = new HttpProject("api", definition("freeze"));
    try {
      records = [
        {
          id: 1,
          name: "Acme",
          amount: 100,
          plan: { tier: "pro", seats: 3 },
          tags: ["a"],
          closed_at: "2026-01-01T00:00:00Z",
          note: null,
        },
        { id: 2, name: "Globex", amount: 250, plan: { tier: "free", seats: 1 }, tags: [], closed_at: null, note: null },
      ];
      expect((await p.pull()).status).toBe("ok");
      records = [{ id: 3, name: null, amount: null, plan: null, tags: [], closed_at: null, note: null }];
      const second = await p.pull();
      expect(second.error?.message).toBeUndefined();
      expect(second.streams[0]!.drift).toBeUndefined();
      // the all-null file is typed as the stream is, not as JSON
      const files = p.parquetFiles("accounts").sort();
      const types = await fileTypes(join(p.dir, "lake", "raw", "api", "accounts", files.at(-1)!));
      expect(types).toMatchObject({
        id: "BIGINT",
        name: "VARCHAR",
        amount: "BIGINT",
        plan: "STRUCT(tier VARCHAR, seats BIGINT)",
        tags: "VARCHAR[]",
        closed_at: "TIMESTAMP",
      });
      // a field never seen with a value takes the type of its first one: no drift either
      records = [{ id: 4, name: "Initech", amount: 5, plan: null, tags: ["b"], closed_at: null, note: "first words" }];
      const third = await p.pull();
      expect(third.error?.message).toBeUndefined();
      expect(third.streams[0]!.drift).toBeUndefined();
      const out = await runDp(["sources", "--json", "-C", p.dir], { env: { DP_NOW: undefined } });
      const [row] = JSON.parse(out.stdout) as {
        streams: { stream: string; columns: { name: string; type: string }[] }[];
      }[];
      expect(row!.streams[0]!.columns).toEqual([
        { name: "id", type: "BIGINT" },
        { name: "name", type: "VARCHAR" },
        { name: "amount", type: "BIGINT" },
        { name: "plan", type: "STRUCT(tier VARCHAR, seats BIGINT)" },
        { name: "tags", type: "VARCHAR[]" },
        { name: "closed_at", type: "TIMESTAMP" },
        { name: "note", type: "VARCHAR" },
      ]);
      // a value that does not fit its field's type is drift, and frozen it fails
      records = [{ id: 5, name: "Umbrella", amount: 7.5 }];
      const fourth = await p.pull();
      expect(fourth.status).toBe("failed");
      expect(fourth.error!.message).toContain("retyped amount: BIGINT → DOUBLE");
    } finally {
      p.remove();
    }
  }, 30_000);

  test("stripe: new customers whose nested objects, lists and strings are all null or empty report no drift", async () => {
    const stripe = await FakeStripe.start({ customers: 0 });
    process.env.STRIPE_API_KEY = stripe.apiKey;
    const p = new HttpProject("billing", {
      connector: "stripe",
      schema: "freeze",
      config: { api_key: "${STRIPE_API_KEY}", base_url: stripe.url, streams: ["customers"] },
    });
    try {
      const empty = {
        address: null,
        discount: null,
        tax_ids: { object: "list", data: [] },
        phone: null,
        invoice_prefix: null,
        name: null,
        email: null,
        metadata: {},
      };
      // created an hour ago, events and all: the next pull's events (since this pull) hold only the new customers
      stripe.eventClock = Math.floor(Date.now() / 1000) - 3600;
      stripe.add("customers", 4, {
        address: { city: "Berlin", line1: "Unter den Linden 1", postal_code: "10117", country: "DE" },
        discount: { id: "di_1", coupon: { id: "SUMMER", percent_off: 10, duration: "once" } },
        tax_ids: { object: "list", data: [{ type: "eu_vat", value: "DE123456789" }] },
        phone: "+49 30 1234567",
        invoice_prefix: "ABC",
      });
      // the newest one, which the next pull reads again (created[gte] the cursor), has nothing set
      stripe.add("customers", 1, empty);
      const first = await p.pull();
      expect(first.status).toBe("ok");
      const typed = await fileTypes(
        join(p.dir, "lake", "raw", "billing", "customers", p.parquetFiles("customers")[0]!),
      );
      // the Stripe connector pins its columns (connectors/stripe/columns.ts): nested objects land as JSON
      expect(typed.address).toBe("JSON");
      // the next pull's small batch: every optional field is null, empty or missing
      stripe.eventClock = undefined;
      stripe.add("customers", 2, empty);
      const second = await p.pull();
      expect(second.error?.message).toBeUndefined();
      // the two new ones land; the newest one before them, listed again (created[gte] the cursor), is
      // in the lake as it is and does not land twice
      expect(second.rows).toBe(2);
      expect(second.streams[0]!.unchanged).toBe(1);
      expect(second.streams[0]!.drift).toBeUndefined();
      expect(p.stream("customers")!.drift).toBeUndefined();
      const files = p.parquetFiles("customers").sort();
      const later = await fileTypes(join(p.dir, "lake", "raw", "billing", "customers", files.at(-1)!));
      for (const column of ["address", "discount", "tax_ids", "phone", "invoice_prefix", "name", "email", "metadata"])
        expect(`${column}: ${later[column]}`).toBe(`${column}: ${typed[column]}`);
    } finally {
      p.remove();
      await stripe.close();
    }
  }, 30_000);
});
