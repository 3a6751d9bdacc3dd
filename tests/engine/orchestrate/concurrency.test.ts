import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { openReader, openWriter } from "../../../engine/warehouse/snapshots.ts";
import { dp, runDp, spawnDp, writeProject } from "../../helpers.ts";

const STEP = 200_000;
const martSql = (k: number) => `select i as x from range(${STEP * k}) t(i)\n`;

describe("readers during rebuilds", () => {
  test("a reader process looping dp sql while another process rebuilds: never an error, never a partial count", async () => {
    const dir = writeProject({ "project.yaml": "name: rw\n", "models/marts/m.sql": martSql(1) });
    expect(dp(["build", "-C", dir]).code).toBe(0);
    let writing = true;
    const writer = (async () => {
      try {
        for (let k = 2; k <= 6; k++) {
          writeFileSync(join(dir, "models/marts/m.sql"), martSql(k));
          const r = await runDp(["build", "-C", dir]);
          expect(r.code).toBe(0);
        }
      } finally {
        writing = false;
      }
    })();
    const seen: number[] = [];
    const problems: string[] = [];
    const reader = (async () => {
      while (writing || seen.length < 3) {
        const r = await runDp(["sql", "select count(*) as n, sum(x) as s from marts.m", "--json", "-C", dir]);
        if (r.code !== 0) {
          problems.push(`exit ${r.code}: ${r.stderr}`);
          continue;
        }
        const [{ n, s }] = JSON.parse(r.stdout) as { n: number; s: number }[];
        if (n % STEP !== 0 || s !== (n * (n - 1)) / 2) problems.push(`partial: n=${n} s=${s}`);
        seen.push(n);
      }
    })();
    await Promise.all([writer, reader]);
    console.log(`reader saw ${seen.length} snapshots: ${[...new Set(seen)].map((n) => n / STEP).join(",")}`);
    expect(problems).toEqual([]);
    expect(seen.length).toBeGreaterThan(2);
    expect(new Set(seen).size).toBeGreaterThan(1);
    const final = await runDp(["sql", "select count(*) as n from marts.m", "--json", "-C", dir]);
    expect(JSON.parse(final.stdout)).toEqual([{ n: 6 * STEP }]);
  });
});

describe("kill -9 mid-build", () => {
  test("every mart is the old or the new version, the warehouse opens, the rerun completes", async () => {
    const v1 = "select * from (values (1, 'v1'), (2, 'v1')) t(id, version)\n";
    const v2 = "select * from (values (1, 'v2'), (2, 'v2'), (3, 'v2')) t(id, version)\n";
    const slow =
      "select count(*) as n, (select min(version) from {{ ref('a') }}) as version from range(100000000000) t(i) where i % 7 = 3\n";
    const fast = "select count(*) as n, min(version) as version from {{ ref('a') }}\n";
    const dir = writeProject({
      "project.yaml": "name: k9\n",
      "models/staging/a.sql": v1,
      "models/marts/b_slow.sql": fast,
      "models/marts/c.sql": "select id, version from {{ ref('a') }}\n",
    });
    expect(dp(["build", "-C", dir]).code).toBe(0);
    writeFileSync(join(dir, "models/staging/a.sql"), v2);
    writeFileSync(join(dir, "models/marts/b_slow.sql"), slow);
    const child = spawnDp(["build", "-C", dir, "--log-format", "json"]);
    // kill once staging.a is committed and the slow mart is running
    const decoder = new TextDecoder();
    let out = "";
    const watch = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) {
        out += decoder.decode(chunk);
        if (out.includes("staging.a success")) return;
      }
    };
    await Promise.race([watch(child.stdout), watch(child.stderr), Bun.sleep(20_000)]);
    expect(out).toContain("staging.a success");
    await Bun.sleep(300);
    child.kill(9);
    expect(await child.exited).not.toBe(0);

    const project = loadProject(dir);
    const reader = await openReader(project);
    try {
      // nothing of the killed build was published
      expect(await reader.all("select distinct version from staging.a")).toEqual([{ version: "v1" }]);
      expect(await reader.all("select distinct version from marts.c")).toEqual([{ version: "v1" }]);
      expect(await reader.all("select version from marts.b_slow")).toEqual([{ version: "v1" }]);
    } finally {
      reader.close();
    }
    const writer = await openWriter(project);
    try {
      // the writer's own file: each model whole, old or new
      for (const rel of ["staging.a", "marts.c"]) {
        const versions = await writer.all<{ version: string; n: number }>(
          `select version, count(*)::int as n from ${rel} group by version`,
        );
        expect(versions.length).toBe(1);
        expect([JSON.stringify(versions[0]), rel]).toEqual([
          JSON.stringify(versions[0]!.version === "v1" ? { version: "v1", n: 2 } : { version: "v2", n: 3 }),
          rel,
        ]);
      }
    } finally {
      writer.close();
    }

    writeFileSync(join(dir, "models/marts/b_slow.sql"), fast);
    const rerun = await runDp(["build", "-C", dir]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain("3/3 models built");
    const after = await openReader(loadProject(dir));
    try {
      expect(await after.all("select n::int as n, version from marts.b_slow")).toEqual([{ n: 3, version: "v2" }]);
      expect(await after.all("select count(*)::int as n from marts.c where version = 'v2'")).toEqual([{ n: 3 }]);
    } finally {
      after.close();
    }
  }, 60_000);
});
