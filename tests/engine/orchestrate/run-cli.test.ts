import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { currentPointer } from "../../../engine/warehouse/snapshots.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { fixture, type Fixture } from "../../cli/orchestrate-fixture.ts";
import { dp, spawnDp } from "../../helpers.ts";

/** ~1 s of DuckDB work, so a run can be caught mid-build. */
const SLOW_MODEL = "SELECT count(*) AS n FROM range(12000) a(x), range(12000) b(y) WHERE (x * 31 + y) % 13 = 0\n";

const fixtures: Fixture[] = [];
afterAll(() => fixtures.forEach((f) => f.remove()));

function slowFixture(): Fixture {
  const f = fixture("run");
  f.write("models/marts/burn.sql", SLOW_MODEL);
  fixtures.push(f);
  return f;
}

async function waitFor(stream: ReadableStream<Uint8Array>, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (pattern.test(text)) break;
  }
  reader.releaseLock();
  return text;
}

async function martRows(dir: string, mart: string): Promise<number> {
  const project = loadProject(dir);
  const db = await Db.open(join(project.paths.snapshots, currentPointer(project)!.file), { readOnly: true });
  try {
    return Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM marts.${mart}`))?.n);
  } finally {
    db.close();
  }
}

describe("dp run: one process, one lock", () => {
  test("a second concurrent run exits 3 at once, naming the holder's pid and start time", async () => {
    const f = slowFixture();
    const first = spawnDp(["run"], { cwd: f.dir });
    await waitFor(first.stderr, /pulling/);
    const t0 = Date.now();
    const second = dp(["run"], { cwd: f.dir });
    const secondMs = Date.now() - t0;
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stderr).toMatch(/started \d{4}-\d{2}-\d{2}T/);
    expect(secondMs).toBeLessThan(3000);
    expect(await first.exited).toBe(0);
    expect(existsSync(join(f.dir, ".dp", "run.lock"))).toBe(false);
  }, 30_000);

  test("a dead holder's lock is taken over", () => {
    const f = fixture("stale");
    fixtures.push(f);
    const dead = Bun.spawnSync(["true"]).pid;
    Bun.write(
      join(f.dir, ".dp", "run.lock"),
      JSON.stringify({ pid: dead, started_at: "2026-11-20T00:00:00Z", command: "run" }),
    );
    const r = dp(["run"], { cwd: f.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`taking over a stale lock from dead pid ${dead}`);
    expect(existsSync(join(f.dir, ".dp", "run.lock"))).toBe(false);
  }, 30_000);

  test("SIGTERM mid-build: exit 143, lock released, marts old or new, the next --due run resumes the build", async () => {
    const f = slowFixture();
    expect(dp(["run"], { cwd: f.dir }).code).toBe(0);
    expect(await martRows(f.dir, "orders")).toBe(10);
    f.writeOrders(5, 100);
    const run = spawnDp(["run", "--log-format", "json"], { cwd: f.dir, env: { DP_NOW: "2026-11-21T08:00:00Z" } });
    await waitFor(run.stderr, /building/);
    run.kill("SIGTERM");
    expect(await run.exited).toBe(143);
    expect(existsSync(join(f.dir, ".dp", "run.lock"))).toBe(false);
    expect([10, 15]).toContain(await martRows(f.dir, "orders"));
    const state = JSON.parse(readFileSync(join(f.dir, ".dp", "run-state.json"), "utf8"));
    expect(state.build_pending).toBe(true);
    const resumed = dp(["run", "--due", "--json"], { cwd: f.dir, env: { DP_NOW: "2026-11-21T08:01:00Z" } });
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.pull).toEqual([]);
    expect(result.build.ok).toBe(true);
    expect(await martRows(f.dir, "orders")).toBe(15);
    const runs = JSON.parse(dp(["runs", "--json"], { cwd: f.dir }).stdout);
    expect(runs.map((r: { status: string }) => r.status)).toEqual(["success", "interrupted", "success"]);
  }, 60_000);
});

describe("interrupting a long model", () => {
  test("SIGTERM inside a model that would run for minutes stops within seconds; the model rolls back", async () => {
    const f = fixture("run");
    fixtures.push(f);
    expect(dp(["run"], { cwd: f.dir }).code).toBe(0);
    // minutes of work if nothing interrupts it
    f.write(
      "models/marts/burn.sql",
      "SELECT count(*) AS n FROM range(200000) a(x), range(200000) b(y) WHERE (x * 31 + y) % 13 = 0\n",
    );
    const run = spawnDp(["build", "--log-format", "json"], { cwd: f.dir });
    await Bun.sleep(1500);
    const t0 = Date.now();
    run.kill("SIGTERM");
    const code = await run.exited;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect([1, 143]).toContain(code);
    expect(existsSync(join(f.dir, ".dp", "run.lock"))).toBe(false);
    expect(await martRows(f.dir, "orders")).toBe(10);
  }, 60_000);
});
