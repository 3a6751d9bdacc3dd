import { afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { defineConnector, type RawRecord } from "../../../engine/ingest/connector.ts";
import { registerConnector } from "../../../engine/ingest/connector-registry.ts";
import { StateStore } from "../../../engine/ingest/cursor-state.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { build } from "../../../engine/transform/build.ts";
import { streamVersions } from "../../../engine/transform/fingerprint.ts";
import { loadModels } from "../../../engine/transform/models.ts";
import { snapshotRows, writeProject } from "../../helpers.ts";

/** What the source holds now: each pull reads every record of both streams (orders by cursor, as a lookback re-reads them). */
const source: { orders: RawRecord[]; plans: RawRecord[] } = { orders: [], plans: [] };
registerConnector("redeliver", async () =>
  defineConnector({
    name: "redeliver",
    description: "hands back the same records every pull",
    config: z.object({}).strict(),
    streams: () => [
      { name: "orders", primaryKey: ["order_id"], cursorField: "updated_at" },
      { name: "plans", primaryKey: ["plan_id"] },
    ],
    async *read(_config, ctx) {
      const records = ctx.stream.name === "orders" ? source.orders : source.plans;
      yield { records, state: { cursor: ctx.now.toISOString() } };
    },
  }),
);

const FILES = {
  "project.yaml": "name: relanded\nsources:\n  shop:\n    connector: redeliver\n    config: {}\n",
  "models/staging/stg_orders.sql":
    "select order_id, plan_id, amount from {{ source('shop', 'orders') }}\nqualify row_number() over (partition by order_id order by _dp_loaded_at desc) = 1\n",
  "models/staging/stg_plans.sql":
    "select plan_id, price from {{ source('shop', 'plans') }}\nqualify row_number() over (partition by plan_id order by _dp_loaded_at desc) = 1\n",
  "models/marts/revenue.sql": "select sum(amount) as revenue from {{ ref('stg_orders') }}\n",
  "models/marts/price_list.sql": "select plan_id, price from {{ ref('stg_plans') }}\n",
  "models/marts/order_plans.sql":
    "select o.order_id, p.price from {{ ref('stg_orders') }} o join {{ ref('stg_plans') }} p using (plan_id)\n",
};

const pinned = process.env.DP_NOW;
afterEach(() => {
  if (pinned === undefined) delete process.env.DP_NOW;
  else process.env.DP_NOW = pinned;
});

async function pullAt(dir: string, at: string) {
  process.env.DP_NOW = at;
  const [r] = await pull(loadProject(dir));
  expect(r!.status).toBe("ok");
  return Object.fromEntries(r!.streams.map((s) => [s.stream, `${s.rows} landed, ${s.unchanged ?? 0} unchanged`]));
}

async function buildStatus(dir: string, fullRefresh = false) {
  const r = await build(loadProject(dir), { fullRefresh });
  expect(r.ok).toBe(true);
  return Object.fromEntries(r.models.map((m) => [m.model, m.status]));
}

function versions(dir: string): Record<string, string> {
  const project = loadProject(dir);
  const store = new StateStore(project.paths.state);
  return Object.fromEntries(streamVersions(project.paths.raw, store, loadModels(project)));
}

describe("a pull that brings back the records the lake holds", () => {
  test("keeps the stream's data version and its models skipped; one changed row rebuilds exactly what reads it", async () => {
    const dir = writeProject(FILES);
    source.orders = [
      { order_id: 1, plan_id: "basic", amount: 10, updated_at: "2026-11-21T05:00:00Z" },
      { order_id: 2, plan_id: "pro", amount: 30, updated_at: "2026-11-21T05:30:00Z" },
    ];
    source.plans = [
      { plan_id: "basic", price: 10 },
      { plan_id: "pro", price: 30 },
    ];
    expect(await pullAt(dir, "2026-11-21T06:00:00Z")).toEqual({
      orders: "2 landed, 0 unchanged",
      plans: "2 landed, 0 unchanged",
    });
    expect(Object.values(await buildStatus(dir))).toEqual(["success", "success", "success", "success", "success"]);
    const first = versions(dir);

    // 15 minutes later, the same records: nothing lands, no stream moves, nothing rebuilds
    expect(await pullAt(dir, "2026-11-21T06:15:00Z")).toEqual({
      orders: "0 landed, 2 unchanged",
      plans: "0 landed, 2 unchanged",
    });
    expect(versions(dir)).toEqual(first);
    expect(await buildStatus(dir)).toEqual({
      stg_orders: "unchanged",
      stg_plans: "unchanged",
      revenue: "unchanged",
      price_list: "unchanged",
      order_plans: "unchanged",
    });

    // one order changed: it alone lands, and only what reads orders rebuilds
    source.orders = [source.orders[0]!, { ...source.orders[1]!, amount: 35, updated_at: "2026-11-21T06:20:00Z" }];
    expect(await pullAt(dir, "2026-11-21T06:30:00Z")).toEqual({
      orders: "1 landed, 1 unchanged",
      plans: "0 landed, 2 unchanged",
    });
    const second = versions(dir);
    expect(second["shop.orders"]).not.toBe(first["shop.orders"]);
    expect(second["shop.plans"]).toBe(first["shop.plans"]);
    expect(await buildStatus(dir)).toEqual({
      stg_orders: "success",
      stg_plans: "unchanged",
      revenue: "success",
      price_list: "unchanged",
      order_plans: "success",
    });
    expect(await snapshotRows(dir, "select revenue from marts.revenue")).toEqual([{ revenue: 45 }]);

    // one plan changed: the stream read whole lands whole, and only what reads plans rebuilds
    source.plans = [source.plans[0]!, { plan_id: "pro", price: 40 }];
    expect(await pullAt(dir, "2026-11-21T06:45:00Z")).toEqual({
      orders: "0 landed, 2 unchanged",
      plans: "2 landed, 0 unchanged",
    });
    expect(await buildStatus(dir)).toEqual({
      stg_orders: "unchanged",
      stg_plans: "success",
      revenue: "unchanged",
      price_list: "success",
      order_plans: "success",
    });
    const incremental = await snapshotRows(dir, "select order_id, price from marts.order_plans order by order_id");
    expect(incremental).toEqual([
      { order_id: 1, price: 10 },
      { order_id: 2, price: 40 },
    ]);

    // a full refresh reads the same lake to the same rows
    expect(Object.values(await buildStatus(dir, true))).toEqual([
      "success",
      "success",
      "success",
      "success",
      "success",
    ]);
    expect(await snapshotRows(dir, "select order_id, price from marts.order_plans order by order_id")).toEqual(
      incremental,
    );
    expect(await snapshotRows(dir, "select revenue from marts.revenue")).toEqual([{ revenue: 45 }]);
  });
});

test("a lake file the check cannot read does not fail the pull: its records land as before", async () => {
  const dir = writeProject(FILES);
  source.orders = [{ order_id: 1, plan_id: "basic", amount: 10, updated_at: "2026-11-21T05:00:00Z" }];
  source.plans = [{ plan_id: "basic", price: 10 }];
  expect(await pullAt(dir, "2026-11-21T06:00:00Z")).toEqual({
    orders: "1 landed, 0 unchanged",
    plans: "1 landed, 0 unchanged",
  });
  const part = join(dir, "lake", "raw", "shop", "orders", "load_date=2026-11-21");
  writeFileSync(join(part, "broken-00000.parquet"), "not parquet");
  expect(await pullAt(dir, "2026-11-21T06:15:00Z")).toEqual({
    orders: "1 landed, 0 unchanged",
    plans: "0 landed, 1 unchanged",
  });
});
