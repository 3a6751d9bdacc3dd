import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogCacheFile, catalogSidecar, modelFilesFingerprint } from "../../../engine/catalog/catalog-cache.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { currentPointer, openWriter } from "../../../engine/warehouse/snapshots.ts";
import { attachBuiltColumns, attachDimensionValues, loadCatalog } from "../../../engine/catalog/catalog.ts";
import { openReader } from "../../../engine/warehouse/snapshots.ts";
import { askOffline } from "../../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../../tools/context.ts";
import { createFixture, FIXTURE_NOW, type Fixture } from "../../tools/fixture.ts";
import { dp } from "../../helpers.ts";

const QUESTIONS = [
  "churn last month?",
  "MRR last month",
  "top 3 customers by mrr",
  "what share of mrr is enterprise?",
  "where does churn_monthly come from?",
  "how is the weather?",
];
let fx: Fixture;
let cacheFile: string;

beforeAll(async () => {
  fx = await createFixture();
  cacheFile = join(fx.project.paths.snapshots, catalogCacheFile(currentPointer(fx.project)!.file));
});
afterAll(() => fx.cleanup());

function cli(args: string[]): string {
  const r = dp([...args, "--json", "-C", fx.dir], { env: { DP_NOW: FIXTURE_NOW, ANTHROPIC_API_KEY: "" } });
  expect(r.stderr).toBe("");
  return r.stdout;
}

/** everything but the timings */
function untimed(json: string): unknown {
  return JSON.parse(json, (k, v) =>
    k === "latency_ms" || k === "ms"
      ? 0
      : k === "receipt"
        ? (v as string[]).map((l) => l.replace(/\d+\.\d s$/, ""))
        : v,
  );
}

async function everything(): Promise<{ cached: boolean; out: unknown[] }> {
  const out: unknown[] = [];
  let cached = false;
  for (const q of QUESTIONS) {
    const ctx = createToolContext(loadProject(fx.dir));
    cached = ctx.catalog.builtColumns;
    try {
      out.push(untimed(JSON.stringify(await askOffline(ctx, q))));
    } finally {
      ctx.close();
    }
  }
  out.push(
    untimed(cli(["ask", "churn last month?"])),
    untimed(cli(["catalog"])),
    untimed(cli(["lineage", "churn_monthly"])),
  );
  return { cached, out };
}

// twelve asks in process and six CLI runs: past bun's 5 s default on the shared machine
test("a published snapshot has its catalog beside it, and readers answer the same with or without it", async () => {
  expect(existsSync(cacheFile)).toBe(true);
  const withCache = await everything();
  expect(withCache.cached).toBe(true);
  renameSync(cacheFile, `${cacheFile}.off`);
  try {
    const without = await everything();
    expect(without.cached).toBe(false);
    expect(withCache.out).toEqual(without.out);
  } finally {
    renameSync(`${cacheFile}.off`, cacheFile);
  }
}, 30_000);

test("the cache holds the snapshot's dimension values, and a reader uses them instead of querying", async () => {
  const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as { dimensionValues: [string, string[]][] };
  const catalog = loadCatalog(fx.project);
  const db = await openReader(fx.project);
  try {
    // what a reader without the cache does (tools/context.ts)
    await attachBuiltColumns(catalog, db);
    await attachDimensionValues(catalog, db);
  } finally {
    db.close();
  }
  const read = [...catalog.dimensionValues!];
  expect(read.length).toBeGreaterThan(0);
  expect(read.some(([, values]) => values.length > 1)).toBe(true);
  // DISTINCT gives no order: the values, whatever order a scan returns them in
  const sorted = (e: [string, string[]][]) => e.map(([k, v]) => [k, [...v].sort()]);
  expect(sorted(cached.dimensionValues)).toEqual(sorted(read));
  // a value only the cache knows reaches the planner: the reader did not query the snapshot for it
  writeFileSync(
    cacheFile,
    JSON.stringify({
      ...JSON.parse(readFileSync(cacheFile, "utf8")),
      dimensionValues: read.map(([k, v]) => [k, [...v, "zzcachedvalue"]]),
    }),
  );
  try {
    const ctx = createToolContext(loadProject(fx.dir));
    try {
      await ctx.dimensionValues();
      expect([...ctx.catalog.dimensionValues!.values()].some((v) => v.includes("zzcachedvalue"))).toBe(true);
    } finally {
      ctx.close();
    }
  } finally {
    writeFileSync(cacheFile, JSON.stringify({ ...JSON.parse(readFileSync(cacheFile, "utf8")), dimensionValues: read }));
  }
});

test("a model's YAML edited after the build is read from the files, not the cache", () => {
  const yml = join(fx.project.paths.models, "marts", "marts.yml");
  const before = readFileSync(yml, "utf8");
  expect(before).toContain("description: MRR per month and plan");
  writeFileSync(
    yml,
    before.replace("description: MRR per month and plan", "description: MRR per month and plan, edited"),
  );
  const marts = (JSON.parse(cli(["catalog"])) as { marts: { name: string; description: string }[] }).marts;
  expect(marts.find((m) => m.name === "mrr_monthly")!.description).toBe("MRR per month and plan, edited");
  const ctx = createToolContext(loadProject(fx.dir));
  expect(ctx.catalog.builtColumns).toBe(false);
  ctx.close();
});

test("the catalog a sidecar prepares (during the publish's checkpoint) is the one it writes, fingerprinted before it was read", async () => {
  const yml = join(fx.project.paths.models, "marts", "marts.yml");
  const before = readFileSync(yml, "utf8");
  const fingerprint = modelFilesFingerprint(fx.project);
  const sidecar = catalogSidecar(fx.project);
  sidecar.prepare!();
  // edited between the prepare and the write: the cache holds what was prepared, under the fingerprint taken
  // before it, so no reader of the edited files takes it
  writeFileSync(yml, before.replace("description: MRR per month and plan", "description: edited after prepare"));
  const db = await openWriter(fx.project);
  let written: { fingerprint: string; models: { name: string; description?: string }[]; phrases: unknown };
  try {
    await sidecar(db, "prepared-test.duckdb");
    written = JSON.parse(
      readFileSync(join(fx.project.paths.snapshots, catalogCacheFile("prepared-test.duckdb")), "utf8"),
    );
    expect(written.fingerprint).toBe(fingerprint);
    expect(written.fingerprint).not.toBe(modelFilesFingerprint(fx.project));
    expect(written.models.find((m) => m.name === "mrr_monthly")!.description).not.toContain("edited after prepare");
  } finally {
    writeFileSync(yml, before);
  }
  // a sidecar written without prepare() loads the files itself, to the same catalog
  try {
    await catalogSidecar(fx.project)(db, "unprepared-test.duckdb");
  } finally {
    db.close();
  }
  const plain = JSON.parse(
    readFileSync(join(fx.project.paths.snapshots, catalogCacheFile("unprepared-test.duckdb")), "utf8"),
  ) as typeof written;
  expect(plain.models).toEqual(written.models);
  expect(plain.phrases).toEqual(written.phrases);
});
