import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { martsHash } from "./lib/marts-hash.ts";
import { reliabilityProject } from "./lib/project.ts";
import { record, Tally } from "./lib/record.ts";
import { iterations, budget } from "./lib/seeds.ts";
import { runDp } from "../helpers.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("idempotence", () => {
  test(
    "dp run again and again with no source change: identical marts and staging (hash over every row), incremental models included",
    async () => {
      const p = reliabilityProject();
      dirs.push(p.dir);
      // an incremental merge model and an append one: the usual sources of duplicates after a retry
      writeFileSync(
        join(p.dir, "models/marts/subs_merge.sql"),
        "select customer_id, month, mrr from {{ ref('stg_billing__subscriptions') }}\n{% if is_incremental() %}where month >= (select max(month) from {{ this }}){% endif %}\n",
      );
      writeFileSync(
        join(p.dir, "models/marts/subs_append.sql"),
        "select customer_id, month, mrr from {{ ref('stg_billing__subscriptions') }}\n{% if is_incremental() %}where month > (select max(month) from {{ this }}){% endif %}\n",
      );
      writeFileSync(
        join(p.dir, "models/marts/incremental.yml"),
        stringify({
          models: [
            { name: "subs_merge", materialized: "incremental", unique_key: ["customer_id", "month"] },
            { name: "subs_append", materialized: "incremental", incremental_strategy: "append" },
          ],
        }),
      );
      expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
      const first = await martsHash(p.dir);
      const tally = new Tally();
      for (let i = 0; i < iterations(3); i++) {
        const r = await runDp(i % 2 ? ["run", "-C", p.dir] : ["build", "-C", p.dir]);
        tally.try(r.code === 0, `run ${i} exited ${r.code}: ${r.stderr.slice(-200)}`);
        const h = await martsHash(p.dir);
        tally.try(h === first, `after ${i % 2 ? "dp run" : "dp build"} #${i}: ${diff(first, h)}`);
      }
      record({
        key: "idempotence",
        kind: "fault",
        title: "`dp run` / `dp build` repeated with no source change (incremental merge and append models included)",
        tries: tally.tries,
        lost: tally.lost,
        detail: "lost = reruns that failed + tables whose row count or content hash changed",
        file: "tests/reliability/idempotence.test.ts",
      });
      expect(tally.examples).toEqual([]);
    },
    budget(120_000),
  );
});

function diff(a: string, b: string): string {
  const x = new Set(a.split("|"));
  return (
    b
      .split("|")
      .filter((t) => !x.has(t))
      .join(", ") || "same"
  );
}
