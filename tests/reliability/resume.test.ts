import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { observeCrashPoints } from "../../engine/ingest/crash-points.ts";
import { setQuiet } from "../../engine/log.ts";
import { loadProject } from "../../engine/config/project.ts";
import { pull } from "../../engine/ingest/pull.ts";
import { FakeHubspot } from "../fakes/hubspot.ts";
import { tempDir } from "../helpers.ts";
import { lakeRows, latestByKey, parquetFiles } from "./lib/lake.ts";
import { record, Tally } from "./lib/record.ts";
import { rng, seeds, budget } from "./lib/seeds.ts";

setQuiet(true);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Checkpoint {
  state: string;
  files: string[];
}

/** Run a pull and keep, at every state commit, the state file and the durable files it covers. */
async function pullRecordingCheckpoints(dir: string, source: string, maxFileRecords: number): Promise<Checkpoint[]> {
  const checkpoints: Checkpoint[] = [];
  observeCrashPoints((point) => {
    if (point !== "after-state") return;
    checkpoints.push({
      state: readFileSync(join(dir, "lake", "state", `${source}.json`), "utf8"),
      files: lakeFileList(dir),
    });
  });
  try {
    const [r] = await pull(loadProject(dir), { maxFileRecords });
    expect(r!.status).toBe("ok");
  } finally {
    observeCrashPoints(undefined);
  }
  return checkpoints;
}

function lakeFileList(dir: string): string[] {
  const raw = join(dir, "lake", "raw");
  return readdirSync(raw, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".parquet"));
}

/** A copy of the project as a crash at checkpoint k leaves it: that state, those files, nothing else. */
function restoreCheckpoint(from: string, to: string, source: string, cp: Checkpoint, inputs: string[]): void {
  for (const rel of ["project.yaml", ...inputs]) {
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    cpSync(join(from, rel), join(to, rel), { preserveTimestamps: true });
  }
  for (const f of cp.files) {
    const dst = join(to, "lake", "raw", f);
    mkdirSync(dirname(dst), { recursive: true });
    cpSync(join(from, "lake", "raw", f), dst);
  }
  mkdirSync(join(to, "lake", "state"), { recursive: true });
  writeFileSync(join(to, "lake", "state", `${source}.json`), cp.state);
}

describe("resume from every checkpoint of a full pull", () => {
  test(
    "files source (CSV, exact offsets): every resume's union equals one clean full pull, row for row",
    async () => {
      const tally = new Tally();
      for (const seed of seeds(2)) {
        const r = rng(seed);
        const clean = tempDir("dp-resume-");
        dirs.push(clean);
        const lines = ["id,name,amount"];
        const n = r.int(300, 700);
        for (let i = 1; i <= n; i++) lines.push(`${i},name ${i},${r.int(0, 99999)}`);
        mkdirSync(join(clean, "data"));
        writeFileSync(join(clean, "data", "a.csv"), `${lines.join("\n")}\n`);
        writeFileSync(join(clean, "data", "b.csv"), `${lines.slice(0, r.int(50, 300)).join("\n")}\n`);
        const batch = r.int(40, 120);
        writeFileSync(
          join(clean, "project.yaml"),
          stringify({
            name: "t",
            sources: {
              f: { connector: "files", config: { streams: [{ name: "rows", path: "data/*.csv", batch_size: batch }] } },
            },
          }),
        );
        const cps = await pullRecordingCheckpoints(clean, "f", batch);
        const expected = (await lakeRows(clean, "f", "rows", "_dp_file, id, name, amount"))
          .map((x) => JSON.stringify(x))
          .sort();
        for (const [k, cp] of cps.entries()) {
          const dir = tempDir("dp-resume-k-");
          restoreCheckpoint(clean, dir, "f", cp, ["data/a.csv", "data/b.csv"]);
          const [res] = await pull(loadProject(dir), { maxFileRecords: batch });
          const got = (await lakeRows(dir, "f", "rows", "_dp_file, id, name, amount"))
            .map((x) => JSON.stringify(x))
            .sort();
          const same = got.length === expected.length && got.every((x, i) => x === expected[i]);
          tally.try(
            res!.status === "ok" && same,
            `seed ${seed} checkpoint ${k}/${cps.length}: ${got.length} rows vs ${expected.length}`,
            Math.abs(got.length - expected.length) || 1,
          );
          rmSync(dir, { recursive: true, force: true });
        }
      }
      record({
        key: "resume-files",
        kind: "fault",
        title: "resume from every recorded checkpoint of a full pull (files source, CSV)",
        tries: tally.tries,
        lost: tally.lost,
        detail: "lost = rows missing or duplicated: the union must equal a clean pull row for row",
        file: "tests/reliability/resume.test.ts",
      });
      expect(tally.examples).toEqual([]);
      expect(tally.tries).toBeGreaterThan(5);
    },
    budget(120_000),
  );

  test(
    "HubSpot incremental search (cursor per page): every resume reaches exactly the server's latest versions",
    async () => {
      const tally = new Tally();
      for (const seed of seeds(2)) {
        const r = rng(seed);
        const fake = await FakeHubspot.start({ contacts: r.int(100, 200) });
        try {
          process.env.HUBSPOT_TOKEN = fake.token;
          const clean = tempDir("dp-resume-h-");
          dirs.push(clean);
          writeFileSync(
            join(clean, "project.yaml"),
            stringify({
              name: "t",
              sources: {
                crm: {
                  connector: "hubspot",
                  config: {
                    access_token: "${HUBSPOT_TOKEN}",
                    base_url: fake.url,
                    streams: ["contacts"],
                    search_page_size: r.int(10, 30),
                  },
                },
              },
            }),
          );
          const [first] = await pull(loadProject(clean));
          expect(first!.status).toBe("ok");
          fake.add("contacts", r.int(60, 150));
          for (let i = r.int(10, 50); i > 0; i--)
            fake.update("contacts", r.pick(fake.objects.contacts!).id, { lastname: `v${i}` });
          const fileRecords = r.int(10, 40);
          const cps = await pullRecordingCheckpoints(clean, "crm", fileRecords);
          const server = new Map(fake.objects.contacts!.map((o) => [o.id, o.updatedAt]));
          for (const [k, cp] of cps.entries()) {
            const dir = tempDir("dp-resume-hk-");
            restoreCheckpoint(clean, dir, "crm", cp, []);
            const [res] = await pull(loadProject(dir), { maxFileRecords: fileRecords });
            const latest = latestByKey(
              await lakeRows(
                dir,
                "crm",
                "contacts",
                "id, strftime(updatedAt::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%gZ') AS updatedAt",
              ),
              "id",
              "updatedAt",
            );
            let wrong = 0;
            for (const [id, at] of server) if (latest.get(id) !== at) wrong++;
            wrong += [...latest.keys()].filter((id) => !server.has(id)).length;
            tally.try(
              res!.status === "ok" && wrong === 0,
              `seed ${seed} checkpoint ${k}/${cps.length}: ${wrong} wrong`,
              wrong || 1,
            );
            rmSync(dir, { recursive: true, force: true });
          }
          expect(parquetFiles(clean, "crm", "contacts").length).toBeGreaterThan(1);
        } finally {
          await fake.close();
        }
      }
      record({
        key: "resume-hubspot",
        kind: "fault",
        title: "resume from every recorded checkpoint of an incremental pull (HubSpot search, cursor per page)",
        tries: tally.tries,
        lost: tally.lost,
        detail: "lost = ids missing, stale or extra after resuming (latest version per primary key)",
        file: "tests/reliability/resume.test.ts",
      });
      expect(tally.examples).toEqual([]);
      expect(tally.tries).toBeGreaterThan(3);
    },
    budget(120_000),
  );
});
