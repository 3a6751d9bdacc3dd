import { afterAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
  closeSync,
} from "node:fs";
import { join } from "node:path";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { loadProject } from "../../engine/config/project.ts";
import { reliabilityProject } from "./lib/project.ts";
import { record } from "./lib/record.ts";
import { runDp } from "../helpers.ts";

const dirs: string[] = [];
/** each scenario counts as held only when every check in it passed (a failed expect stops it short) */
const scenarios = { tried: 0, held: 0 };
afterAll(() => {
  record({
    key: "corrupt-warehouse-between-runs",
    kind: "fault",
    title: "warehouse file truncated, or its blocks damaged so it fails only at query time, between two runs",
    tries: scenarios.tried,
    lost: scenarios.tried - scenarios.held,
    detail:
      "lost = a scenario where a damaged warehouse was published, the last verified snapshot was deleted or stopped answering readers, doctor said ok, or the run after did not heal with every customer",
    file: "tests/reliability/corrupt-warehouse.test.ts",
  });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function customers(dir: string): Promise<number | string> {
  const r = await runDp(["sql", "select count(*) as n from marts.customers", "--json", "-C", dir]);
  return r.code === 0
    ? (JSON.parse(r.stdout) as { n: number }[])[0]!.n
    : `dp sql exit ${r.code}: ${r.stderr.slice(0, 200)}`;
}

function pointer(dir: string): { file: string } {
  return JSON.parse(readFileSync(join(dir, "warehouse", "snapshots", "current.json"), "utf8")) as { file: string };
}

async function doctorWarehouse(dir: string): Promise<{ status: string; detail: string }> {
  const r = await runDp(["doctor", "--json", "-C", dir]);
  const checks = (JSON.parse(r.stdout) as { checks: { name: string; status: string; detail: string }[] }).checks;
  return checks.find((c) => c.name === "warehouse")!;
}

/** Flips bytes inside every block that holds `table`'s data (past each block's checksum), in the real file. */
async function damageBlocksOf(warehouse: string, table: string): Promise<number> {
  // a run's commits stay in the WAL until it passes WAL_CHECKPOINT: checkpointed first, so the table is in the file
  const writer = await Db.open(warehouse);
  await writer.run("CHECKPOINT");
  writer.close();
  const db = await Db.open(warehouse, { readOnly: true });
  const blocks = await db.all<{ block_id: number }>(
    `SELECT DISTINCT block_id FROM pragma_storage_info('${table}') WHERE block_id >= 0`,
  );
  const size = await db.one<{ block_size: number }>("SELECT block_size FROM pragma_database_size()");
  db.close();
  const fd = openSync(warehouse, "r+");
  for (const { block_id } of blocks) {
    const at = 3 * 4096 + Number(block_id) * Number(size!.block_size) + 64;
    writeSync(fd, Buffer.alloc(512, 0xa5), 0, 512, at);
  }
  closeSync(fd);
  return blocks.length;
}

describe("a corrupt warehouse is never published and heals", () => {
  test("truncated between runs: doctor says so, readers keep the last good snapshot, the next run restores it and publishes only a verified snapshot", async () => {
    scenarios.tried += 1;
    const p = reliabilityProject({ customers: 30 });
    dirs.push(p.dir);
    expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
    const warehouse = loadProject(p.dir).paths.warehouse;
    const good = pointer(p.dir).file;
    truncateSync(warehouse, Math.floor(statSync(warehouse).size / 2));

    const doctor = await doctorWarehouse(p.dir);
    expect(doctor.status).toBe("fail");
    expect(doctor.detail).toContain("the warehouse file is damaged");
    expect(await customers(p.dir)).toBe(30);

    const added = p.addCustomers(7).length;
    const healed = await runDp(["run", "-C", p.dir]);
    expect(healed.stderr + healed.stdout).toContain("the warehouse file is corrupt");
    expect(healed.code).toBe(0);
    expect(await customers(p.dir)).toBe(30 + added);
    expect(pointer(p.dir).file).not.toBe(good);
    expect(readdirSync(join(p.dir, "warehouse", "quarantine")).some((f) => f.startsWith("dp.duckdb."))).toBe(true);
    expect((await doctorWarehouse(p.dir)).status).toBe("ok");
    // a second run is an ordinary one
    expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
    scenarios.held += 1;
  }, 120_000);

  test("damage that shows only at query time: the build fails and publishes nothing, the last verified snapshot stays, the warehouse is restored and the next run heals", async () => {
    scenarios.tried += 1;
    const p = reliabilityProject({ customers: 30 });
    dirs.push(p.dir);
    expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
    const warehouse = loadProject(p.dir).paths.warehouse;
    const good = pointer(p.dir).file;
    // the build reads its history first: damage the table it reads
    expect(await damageBlocksOf(warehouse, "_dp.model_runs")).toBeGreaterThan(0);
    // it opens: nothing is wrong until a query reaches the blocks
    const open = await Db.open(warehouse, { readOnly: true });
    open.close();
    expect((await doctorWarehouse(p.dir)).status).toBe("fail");

    const added = p.addCustomers(5).length;
    const failed = await runDp(["run", "-C", p.dir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr + failed.stdout).toMatch(/warehouse file is corrupt/);
    expect(failed.stderr + failed.stdout).not.toContain("error[INTERNAL]");
    // nothing published; the last verified snapshot is still there and still what readers see
    expect(pointer(p.dir).file).toBe(good);
    expect(existsSync(join(p.dir, "warehouse", "snapshots", good))).toBe(true);
    expect(await customers(p.dir)).toBe(30);

    const healed = await runDp(["run", "-C", p.dir]);
    expect(healed.code).toBe(0);
    expect(await customers(p.dir)).toBe(30 + added);
    expect((await doctorWarehouse(p.dir)).status).toBe("ok");
    scenarios.held += 1;
  }, 120_000);
});
