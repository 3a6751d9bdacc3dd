import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { loadProject } from "../../engine/config/project.ts";
import { cleanFailure } from "./lib/cli.ts";
import { parquetFiles } from "./lib/lake.ts";
import { reliabilityProject } from "./lib/project.ts";
import { record, Tally } from "./lib/record.ts";
import { rng, seeds, type Rng, budget } from "./lib/seeds.ts";
import { runDp } from "../helpers.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function customers(dir: string): Promise<number | string> {
  const r = await runDp(["sql", "select count(*) as n from marts.customers", "--json", "-C", dir]);
  return r.code === 0
    ? (JSON.parse(r.stdout) as { n: number }[])[0]!.n
    : `dp sql exit ${r.code}: ${r.stderr.slice(0, 200)}`;
}

const PARQUET_DAMAGE: Record<string, (path: string, r: Rng) => void> = {
  "truncated mid-file": (p, r) => truncateSync(p, r.int(12, statSync(p).size - 9)),
  "zero bytes": (p) => truncateSync(p, 0),
  "garbage header": (p) => {
    const b = readFileSync(p);
    b.write("JUNK", 0, "latin1");
    writeFileSync(p, b);
  },
  "footer overwritten": (p, r) => {
    const b = readFileSync(p);
    for (let i = Math.max(4, b.length - r.int(20, 200)); i < b.length - 4; i++) b[i] = r.int(0, 255);
    writeFileSync(p, b);
  },
  "data pages flipped": (p) => {
    const b = readFileSync(p);
    for (let i = 8; i < b.length / 2; i += 7) b[i] ^= 0x5a;
    writeFileSync(p, b);
  },
};

describe("corrupt and truncated files", () => {
  test(
    "a broken raw Parquet file: detected, reported, moved to lake/quarantine/, old marts stay live, the next run re-reads it and nothing is lost",
    async () => {
      const tally = new Tally();
      let tries = 0;
      for (const seed of seeds(1)) {
        const r = rng(seed);
        const p = reliabilityProject({ customers: 30 });
        dirs.push(p.dir);
        let total = 30;
        expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
        for (const [kind, damage] of Object.entries(PARQUET_DAMAGE)) {
          total += p.addCustomers(r.int(3, 12)).length;
          expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
          const files = parquetFiles(p.dir, "billing", "subscriptions");
          const victim = join(p.dir, "lake", "raw", "billing", "subscriptions", r.pick(files));
          damage(victim, r);
          tries++;
          const broken = await runDp(["run", "-C", p.dir]);
          const why = cleanFailure(broken, [1], { errorLine: false });
          tally.try(
            why === undefined && /corrupt raw file/.test(broken.stderr + broken.stdout),
            `${kind}: ${why ?? "no corrupt-file message"} ${broken.stdout.slice(-300)}`,
          );
          tally.try(
            !existsSync(victim) && existsSync(join(p.dir, "lake", "quarantine", "billing", "subscriptions")),
            `${kind}: not moved to lake/quarantine/`,
          );
          const live = await customers(p.dir);
          tally.try(
            live === total,
            `${kind}: while broken, readers see ${live} customers (the last good version has ${total})`,
          );
          const healed = await runDp(["run", "-C", p.dir]);
          tally.try(healed.code === 0, `${kind}: the next run exited ${healed.code}: ${healed.stderr.slice(-300)}`);
          const after = await customers(p.dir);
          tally.try(
            after === total,
            `${kind}: after the re-read ${after} customers, expected ${total}`,
            typeof after === "number" ? Math.abs(total - after) : total,
          );
        }
      }
      record({
        key: "corrupt-parquet",
        kind: "fault",
        title: "corrupt or truncated raw Parquet file (truncated, empty, bad header, bad footer, flipped data pages)",
        tries,
        lost: tally.lost,
        detail:
          "lost = runs that crashed or failed silently, files not quarantined, readers seeing a partial mart, customers missing after the next run",
        file: "tests/reliability/corrupt.test.ts",
      });
      expect(tally.examples).toEqual([]);
    },
    budget(120_000),
  );

  test(
    "a corrupt WAL, a corrupt warehouse file and a corrupt state file: reported, moved aside, the run completes; no crash loop",
    async () => {
      const tally = new Tally();
      const p = reliabilityProject({ customers: 25 });
      dirs.push(p.dir);
      let total = 25;
      expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
      const warehouse = loadProject(p.dir).paths.warehouse;

      /** A WAL as a killed writer leaves it: committed changes not yet checkpointed. */
      async function leaveWal(): Promise<Buffer> {
        const db = await Db.open(warehouse);
        await db.run("SET checkpoint_threshold = '1GB'");
        await db.run("CREATE OR REPLACE TABLE _dp.scratch AS SELECT i FROM range(20000) t(i)");
        const wal = readFileSync(`${warehouse}.wal`);
        db.close();
        return wal;
      }
      const cases: Record<string, () => Promise<void>> = {
        "WAL with flipped bytes": async () => {
          const wal = await leaveWal();
          for (let i = 100; i < wal.length; i += 89) wal[i] ^= 0xff;
          writeFileSync(`${warehouse}.wal`, wal);
        },
        "WAL truncated": async () => {
          const wal = await leaveWal();
          writeFileSync(`${warehouse}.wal`, wal.subarray(0, Math.floor(wal.length / 3)));
        },
        "WAL of garbage": async () => {
          writeFileSync(`${warehouse}.wal`, Buffer.alloc(4096, 0x41));
        },
        "warehouse file with flipped blocks": async () => {
          const b = readFileSync(warehouse);
          for (let i = 4096; i < b.length; i += 53) b[i] ^= 0xff;
          writeFileSync(warehouse, b);
        },
        "state file of garbage": async () => {
          writeFileSync(join(p.dir, "lake", "state", "billing.json"), "{ not json");
        },
      };
      for (const [kind, damage] of Object.entries(cases)) {
        total += p.addCustomers(5).length;
        await damage();
        const first = await runDp(["run", "-C", p.dir]);
        tally.try(
          first.code === 0 && cleanFailure(first, [0]) === undefined,
          `${kind}: exit ${first.code}: ${first.stderr.slice(-400)}`,
        );
        // DuckDB itself drops a torn WAL tail (what a crash mid-write leaves); dp reports what it has to move aside
        if (!/truncated|garbage/.test(kind) || kind.startsWith("state"))
          tally.try(/corrupt/.test(first.stderr + first.stdout), `${kind}: not reported`);
        const second = await runDp(["run", "-C", p.dir]);
        tally.try(second.code === 0, `${kind}: second run exit ${second.code} (crash loop?)`);
        const n = await customers(p.dir);
        tally.try(
          n === total,
          `${kind}: ${n} customers, expected ${total}`,
          typeof n === "number" ? Math.abs(total - n) : total,
        );
      }
      const quarantine = join(p.dir, "warehouse", "quarantine");
      tally.try(
        existsSync(quarantine) && readdirSync(quarantine).length >= 2,
        "warehouse/quarantine/ holds the bad files",
      );
      record({
        key: "corrupt-warehouse",
        kind: "fault",
        title: "corrupt WAL (flipped, truncated, garbage), corrupt warehouse file, corrupt state file",
        tries: Object.keys(cases).length,
        lost: tally.lost,
        detail:
          "lost = runs that failed or crash-looped, damage not reported, customers missing in the marts afterwards",
        file: "tests/reliability/corrupt.test.ts",
      });
      expect(tally.examples).toEqual([]);
    },
    budget(120_000),
  );
});
