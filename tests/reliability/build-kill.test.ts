import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { loadProject } from "../../engine/config/project.ts";
import { openReader } from "../../engine/warehouse/snapshots.ts";
import { runDp, spawnDp, writeProject } from "../helpers.ts";
import { record, Tally } from "./lib/record.ts";
import { rng, seeds, budget } from "./lib/seeds.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const rowsOf = (v: number) => 1000 * v;
const staging = (v: number) => `select i as id, 'v${v}' as version from range(${rowsOf(v)}) t(i)\n`;
const MARTS = {
  "models/marts/m1_rows.sql": "select id, version from {{ ref('a') }}\n",
  "models/marts/m2_heavy.sql":
    "select (select min(version) from {{ ref('a') }}) as version, (select count(*) from {{ ref('a') }}) as n, count(*) as spin from range(250000000) t(i) where i % 7 = 3\n",
  "models/marts/m3_summary.sql": "select version, count(*) as n from {{ ref('m1_rows') }} group by version\n",
};

/** Which version each mart holds; "partial" when its rows disagree with one whole version. */
async function martVersions(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const whole = (version: string, n: number) =>
    rowsOf(Number(version.slice(1))) === n ? version : `partial(${version}, ${n} rows)`;
  const tables = new Set(
    (
      await db.all<{ t: string }>("select table_name as t from information_schema.tables where table_schema = 'marts'")
    ).map((x) => x.t),
  );
  for (const m of ["m1_rows", "m2_heavy", "m3_summary"]) if (!tables.has(m)) out[m] = "missing";
  if (tables.has("m1_rows")) {
    const r = await db.all<{ version: string; n: number }>(
      "select version, count(*) as n from marts.m1_rows group by version",
    );
    out.m1_rows = r.length === 1 ? whole(r[0]!.version, r[0]!.n) : `mixed ${JSON.stringify(r)}`;
  }
  if (tables.has("m2_heavy")) {
    const r = (await db.all<{ version: string; n: number }>("select version, n from marts.m2_heavy"))[0]!;
    out.m2_heavy = whole(r.version, r.n);
  }
  if (tables.has("m3_summary")) {
    const r = await db.all<{ version: string; n: number }>("select version, n from marts.m3_summary");
    out.m3_summary = r.length === 1 ? whole(r[0]!.version, r[0]!.n) : `mixed ${JSON.stringify(r)}`;
  }
  return out;
}

async function readerVersions(dir: string): Promise<Record<string, string>> {
  const db = await openReader(loadProject(dir));
  try {
    return await martVersions(db);
  } finally {
    db.close();
  }
}

async function writerVersions(dir: string): Promise<Record<string, string>> {
  const db = await Db.open(loadProject(dir).paths.warehouse, { readOnly: true });
  try {
    return await martVersions(db);
  } finally {
    db.close();
  }
}

/** Read a child's output until a line matches (then keep draining it so the child never blocks). */
async function untilLine(stream: ReadableStream<Uint8Array>, re: RegExp, timeoutMs: number): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const until = Date.now() + timeoutMs;
  while (!re.test(text) && Date.now() < until) {
    const { value, done } = await reader.read();
    if (done) return;
    text += decoder.decode(value, { stream: true });
  }
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
}

describe("kill -9 and SIGTERM during a build", () => {
  const seedList = seeds(4);
  test(
    `${seedList.length} seeds at random times: every mart is the old or the new version in the published snapshot and in the warehouse; the next build completes`,
    async () => {
      const dir = writeProject({ "project.yaml": "name: bk\n", "models/staging/a.sql": staging(1), ...MARTS });
      dirs.push(dir);
      expect((await runDp(["build", "-C", dir])).code).toBe(0);
      const tally = new Tally();
      let interrupted = 0;
      let version = 1;
      for (const seed of seedList) {
        const r = rng(seed);
        const signal = seed % 2 ? "SIGKILL" : "SIGTERM";
        const old = `v${version}`;
        const next = `v${++version}`;
        writeFileSync(join(dir, "models/staging/a.sql"), staging(version));
        const child = spawnDp(["build", "-C", dir, "--log-format", "json"]);
        // time the signal from the moment staging.a is committed, so it lands among the marts
        await untilLine(child.stderr as ReadableStream<Uint8Array>, /staging\.a success/, 30_000);
        const finished = await Promise.race([
          child.exited.then(() => true),
          Bun.sleep(r.int(0, 900)).then(() => false),
        ]);
        if (!finished) child.kill(signal);
        const code = await child.exited;
        if (!finished) interrupted++;
        if (signal === "SIGTERM" && !finished)
          tally.try(code === 143 || code === 0 || code === 1, `seed ${seed}: SIGTERM exit ${code}`);
        for (const [where, versions] of [
          ["snapshot", await readerVersions(dir)],
          ["warehouse", await writerVersions(dir)],
        ] as const) {
          for (const [m, v] of Object.entries(versions))
            tally.try(v === old || v === next, `seed ${seed} ${signal} ${where} ${m}: ${v} (old ${old}, new ${next})`);
        }
        const rerun = await runDp(["build", "-C", dir]);
        tally.try(rerun.code === 0, `seed ${seed}: the next build exited ${rerun.code}: ${rerun.stderr.slice(0, 300)}`);
        const after = await readerVersions(dir);
        tally.try(
          Object.values(after).every((v) => v === next),
          `seed ${seed}: after the rerun ${JSON.stringify(after)}`,
        );
      }
      record({
        key: "build-kill",
        kind: "fault",
        title: "kill -9 and SIGTERM at a random time during `dp build` (3 marts, one heavy)",
        tries: interrupted,
        lost: tally.lost,
        detail: `${seedList.length} seeds (odd: SIGKILL, even: SIGTERM), ${interrupted} signals landed mid-build; lost = marts partial, mixed or missing in the snapshot or the warehouse, + reruns that failed`,
        file: "tests/reliability/build-kill.test.ts",
      });
      expect(tally.examples).toEqual([]);
      expect(interrupted).toBeGreaterThan(0);
    },
    budget(170_000),
  );
});
