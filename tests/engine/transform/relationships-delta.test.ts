import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import { build } from "../../../engine/transform/build.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { writeProject } from "../../helpers.ts";
import "../../../connectors/index.ts";

/** Two merge models over two files streams: events reference customers by a relationships test. */
function project(): string {
  const merge = (stream: string, cols: string, key: string) =>
    `select ${cols}, _dp_run_id as run_id from {{ source('feed', '${stream}') }}\n{% if is_incremental() %}where _dp_run_id not in (select run_id from {{ this }}){% endif %}\nqualify row_number() over (partition by ${key} order by _dp_run_id desc) = 1\n`;
  return writeProject({
    "project.yaml": `name: refs
sources:
  feed:
    connector: files
    owner: ops@example.io
    config:
      streams:
        - { name: customers, path: "data/customers-*.csv", primary_key: id }
        - { name: events, path: "data/events-*.csv", primary_key: event_id }
`,
    "data/customers-1.csv": "id,name\nc1,a\nc2,b\n",
    "data/events-1.csv": "event_id,customer_id\ne1,c1\ne2,c2\n",
    // a customer named "gone" is deleted: a tombstone in an incremental build, left out of a full one
    "models/staging/customers.sql": `select id, name, run_id{% if is_incremental() %}, name = 'gone' as _dp_deleted{% endif %}
from (${merge("customers", "id, name", "id")})
{% if is_incremental() %}{% else %}where name <> 'gone'{% endif %}
`,
    "models/staging/events.sql": merge("events", "event_id, customer_id", "event_id"),
    "models/staging/staging.yml": `models:
  - name: customers
    materialized: incremental
    unique_key: id
  - name: events
    materialized: incremental
    unique_key: event_id
    columns:
      - name: customer_id
        tests: [{ relationships: { to: customers, field: id } }]
`,
  });
}

async function tamper(dir: string, sql: string): Promise<void> {
  const db = await Db.open(join(dir, "warehouse/dp.duckdb"));
  try {
    await db.run(sql);
  } finally {
    db.close();
  }
}

const status = (r: Awaited<ReturnType<typeof build>>, model: string) => r.models.find((m) => m.model === model)?.status;

test("a merge's relationships test reads its delta while the referenced model kept every key; it reads the whole table once that model was rebuilt, and catches a new orphan either way", async () => {
  const dir = project();
  const p = loadProject(dir);
  await pull(p);
  expect((await build(p)).ok).toBe(true);
  const step = async (file: string, csv: string, options: Parameters<typeof build>[1] = {}) => {
    writeFileSync(join(dir, "data", file), csv);
    await pull(p);
    return build(p, options);
  };
  expect((await step("events-2.csv", "event_id,customer_id\ne3,c1\n")).ok).toBe(true);

  // a row no build made (written behind dp's back): a test of the delta does not read it, a test of the table does
  await tamper(dir, "insert into staging.events values ('e0', 'nobody', 'x')");
  // a new customer merged (keys kept) and a valid new event: the test reads the delta and passes
  writeFileSync(join(dir, "data/customers-2.csv"), "id,name\nc3,c\n");
  const kept = await step("events-3.csv", "event_id,customer_id\ne4,c3\n");
  expect([status(kept, "customers"), status(kept, "events")]).toEqual(["success", "success"]);
  expect(kept.ok).toBe(true);

  // a new event whose customer does not exist: the delta's test fails, the previous version stays
  const orphan = await step("events-4.csv", "event_id,customer_id\ne5,c9\n");
  expect(status(orphan, "events")).toBe("failed");

  // the referenced model rebuilt whole (its keys may have gone), with c9 now: the test reads the whole table and
  // finds e0 (the delta, e5 → c9 and e6 → c2, is valid)
  writeFileSync(join(dir, "data/customers-3.csv"), "id,name\nc9,z\n");
  await pull(p);
  expect((await build(p, { select: "customers", fullRefresh: true })).ok).toBe(true);
  const rebuilt = await step("events-5.csv", "event_id,customer_id\ne6,c2\n");
  expect(status(rebuilt, "events")).toBe("failed");
  expect(rebuilt.models.find((m) => m.model === "events")!.error).toContain("relationships");

  // e0 gone: the whole table passes again
  await tamper(dir, "delete from staging.events where event_id = 'e0'");
  const clean = await step("events-6.csv", "event_id,customer_id\ne7,c3\n");
  expect(clean.ok).toBe(true);
  expect(status(clean, "events")).toBe("success");

  // in one run, customer c3 deleted (a tombstone: a key gone) and a valid new event: the test reads the whole table,
  // where e4 and e7 still name c3
  writeFileSync(join(dir, "data/customers-4.csv"), "id,name\nc3,gone\n");
  const gone = await step("events-7.csv", "event_id,customer_id\ne8,c1\n");
  expect(status(gone, "customers")).toBe("success");
  expect(status(gone, "events")).toBe("failed");
}, 120_000);
