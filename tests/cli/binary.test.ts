import { beforeAll, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import "../../connectors/index.ts";
import { getPack } from "../../engine/config/pack.ts";
import { VERSION } from "../../engine/version.ts";
import { repoRoot, tempDir, writeProject } from "../helpers.ts";

/**
 * dist/dp is one file: copied alone into an empty directory, with an empty
 * cache, it must still run DuckDB from any cwd.
 */
const binary = join(repoRoot, "dist", "dp");
const SOURCES = [
  "cli",
  "engine",
  "connectors",
  "tools",
  "models",
  "evals",
  "decisions",
  "project.yaml",
  "package.json",
  "bun.lock",
  "scripts/build.ts",
  "scripts/gen-demo-assets.ts",
];

function newestSourceMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((e) => newestSourceMtime(join(path, e))));
}

function ensureBinary(): void {
  const newest = Math.max(...SOURCES.map((s) => newestSourceMtime(join(repoRoot, s))));
  if (existsSync(binary) && statSync(binary).mtimeMs > newest) return;
  const build = Bun.spawnSync(["bun", "run", "build"], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`bun run build failed:\n${build.stdout}\n${build.stderr}`);
}

interface Sandbox {
  bin: string;
  cache: string;
  work: string;
}

/** The binary alone in bin/, a fresh XDG_CACHE_HOME, and a separate working directory. */
function sandbox(): Sandbox {
  const root = tempDir("dp-binary-");
  const box = { bin: join(root, "bin"), cache: join(root, "cache"), work: join(root, "work") };
  for (const dir of Object.values(box)) mkdirSync(dir);
  copyFileSync(binary, join(box.bin, "dp"));
  return box;
}

function spawnDp(box: Sandbox, args: string[], cwd: string) {
  return Bun.spawn([join(box.bin, "dp"), ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? box.work,
      NO_COLOR: "1",
      XDG_CACHE_HOME: box.cache,
      DP_NOW: "2026-11-21T06:00:00Z",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
}

async function runDp(box: Sandbox, args: string[], cwd = box.work) {
  const proc = spawnDp(box, args, cwd);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

function oneModelProject(box: Sandbox): string {
  return writeProject(
    { "project.yaml": "name: one\nsources: {}\n", "models/marts/one.sql": "select 1 as x\n" },
    join(box.work, "one"),
  );
}

function cacheEntries(box: Sandbox): string[] {
  const dp = join(box.cache, "dp");
  if (!existsSync(dp)) return [];
  return readdirSync(dp).flatMap((key) => readdirSync(join(dp, key)).map((f) => `${key}/${f}`));
}

describe("dist/dp single binary", () => {
  beforeAll(ensureBinary, 180_000);

  test("--version runs with nothing beside it and loads no DuckDB", async () => {
    const box = sandbox();
    const r = await runDp(box, ["--version"], box.bin);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
    expect(cacheEntries(box)).toEqual([]);
  });

  test("build and sql run DuckDB from another cwd", async () => {
    const box = sandbox();
    const project = oneModelProject(box);
    const build = await runDp(box, ["build", "-C", project]);
    expect(build.stderr).not.toContain("error[");
    expect(build.code).toBe(0);
    const sql = await runDp(box, ["sql", "-C", project, "--json", "select x from marts.one"]);
    expect(sql.code).toBe(0);
    expect(JSON.parse(sql.stdout)).toEqual([{ x: 1 }]);
    expect(
      cacheEntries(box)
        .map((e) => e.split("/")[1])
        .sort(),
    ).toEqual(["duckdb.node", "libduckdb.so"]);
  }, 30_000);

  test("the demo path with the binary alone: init --demo → run → ask, numbers equal dp sql's", async () => {
    const box = sandbox();
    const r = await runDp(box, ["init", "demo", "--demo"]);
    expect(r.code).toBe(0);
    expect(existsSync(join(box.work, "demo", "project.yaml"))).toBe(true);
    const project = join(box.work, "demo");
    const run = await runDp(box, ["run", "-C", project]);
    expect(run.code).toBe(0);
    const ask = await runDp(box, ["ask", "churn last month?", "--json", "-C", project]);
    expect(ask.code).toBe(0);
    const answer = JSON.parse(ask.stdout) as { status: string; answer: string; citations: { model: string }[] };
    expect(answer.status).toBe("answered");
    expect(answer.citations.map((c) => c.model)).toContain("marts.mrr_monthly");
    // every answered kind states its reading, on its first line and in --json: a ranking of rows says the instant its
    // MRR is for (now, as a level with no period is read), a change dates both of its periods
    const asked = async (q: string) => {
      const r = await runDp(box, ["ask", q, "--json", "-C", project]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { status: string; answer: string; interpretation: Record<string, unknown> };
    };
    const top = await asked("top 5 customers by mrr");
    expect(top.status).toBe("answered");
    expect(top.answer.split("\n")[0]).toBe("Read as: MRR now (November 2026, to date), the 5 customers with the most.");
    expect(top.interpretation).toMatchObject({
      metric: "mrr",
      metric_label: "MRR",
      period: { text: "now (November 2026, to date)", start: "2026-11-01", end: "2026-11-21", to_date: true },
      filters: [],
      grain: null,
      argmax: { dimension: "customer", direction: "most", n: 5 },
      read_as: "MRR now (November 2026, to date), the 5 customers with the most",
    });
    expect((top.interpretation.why as string[]).length).toBeGreaterThan(0);
    const change = await asked("did mrr go up or down last month");
    expect(change.status).toBe("answered");
    expect(change.answer.split("\n")[0]).toBe(
      "Read as: MRR: the end of October 2026 vs the end of September 2026, test accounts excluded.",
    );
    expect(change.interpretation).toMatchObject({
      metric: "mrr",
      kind: "stock",
      period: { text: "the end of October 2026", start: "2026-10-01", end: "2026-10-31", to_date: false },
      filters: [],
      grain: null,
    });
    expect((change.interpretation.why as string[]).length).toBeGreaterThan(0);
    const sql = await runDp(box, [
      "sql",
      "-C",
      project,
      "--json",
      "select round(100.0 * churned_customers / customers_at_start, 1) as pct from marts.mrr_monthly where month = date '2026-10-01'",
    ]);
    const [{ pct }] = JSON.parse(sql.stdout) as { pct: number }[];
    expect(answer.answer).toContain(`${pct}%`);
    // the dashboards and docs come out of the binary with every asset in them
    const docs = await runDp(box, ["docs", "-C", project, "--out", join(box.work, "site")]);
    expect(docs.code).toBe(0);
    expect(readFileSync(join(box.work, "site/assets/uplot.js"), "utf8")).toStartWith(
      "/*! https://github.com/leeoniya/uPlot",
    );
    const siteJs = readFileSync(join(box.work, "site/assets/site.js"), "utf8");
    expect(siteJs).toContain("dpCharts");
    expect(siteJs).toStartWith("const dpFormatValue = function"); // dp ask's formatValue, minified with the binary
    expect(readFileSync(join(box.work, "site/dashboards/revenue.html"), "utf8")).toContain('id="chart-mrr"');
  }, 120_000);

  test("init --with stripe,hubspot from another directory writes the packs embedded in the binary", async () => {
    const box = sandbox();
    const r = await runDp(box, ["init", "acme", "--with", "stripe,hubspot", "--json"]);
    expect(r.stderr).not.toContain("error[");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { packs: { pack: string; files: { path: string; status: string }[] }[] };
    expect(out.packs.map((p) => p.pack)).toEqual(["stripe", "hubspot", "stripe+hubspot"]);
    const dir = join(box.work, "acme");
    // every file of the three packs as this checkout ships them, under its header, and nothing else
    const packs = await Promise.all(["stripe", "hubspot", "stripe+hubspot"].map((n) => getPack(n)));
    const shipped = Object.assign({}, ...packs.map((p) => p.files)) as Record<string, string>;
    expect(Object.keys(shipped)).toContain("models/marts/billing/mrr_monthly.sql");
    expect(Object.keys(shipped)).toContain("models/marts/sales/pipeline_monthly.sql");
    expect(Object.keys(shipped)).toContain("models/marts/customers/accounts.sql");
    expect(Object.keys(shipped)).toContain("evals/stripe.yaml");
    const written = (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => /^(models|evals)\/.*\.(sql|ya?ml)$/.test(f))
      .sort();
    expect(written).toEqual(Object.keys(shipped).sort());
    for (const [rel, body] of Object.entries(shipped)) {
      const text = readFileSync(join(dir, rel), "utf8");
      expect({ rel, header: /^(--|#) dp pack \S+ \(sha256 [0-9a-f]{16}\)/.test(text) }).toEqual({ rel, header: true });
      expect(text.slice(text.indexOf("\n") + 1)).toBe(body);
    }
    const yaml = readFileSync(join(dir, "project.yaml"), "utf8");
    expect(yaml).toContain('api_key: "${STRIPE_API_KEY}"');
    expect(yaml).toContain('access_token: "${HUBSPOT_TOKEN}"');
    // dp add again from the binary: every file unchanged, none overwritten
    writeFileSync(join(dir, ".env"), "STRIPE_API_KEY=sk_test_x\nHUBSPOT_TOKEN=pat-x\n");
    const again = await runDp(box, ["add", "stripe", "-C", dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`pack stripe: ${Object.keys(packs[0]!.files).length} unchanged`);
  }, 60_000);

  test("two first runs at once share one extraction", async () => {
    const box = sandbox();
    const project = oneModelProject(box);
    expect((await runDp(box, ["build", "-C", project])).code).toBe(0);
    rmSync(join(box.cache, "dp"), { recursive: true, force: true });
    const results = await Promise.all(
      [1, 2].map((n) => runDp(box, ["sql", "-C", project, "--json", `select x + ${n} as y from marts.one`])),
    );
    for (const [i, r] of results.entries()) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([{ y: 1 + i + 1 }]);
    }
    // no temp files left behind, only the two complete files
    expect(
      cacheEntries(box)
        .map((e) => e.split("/")[1])
        .sort(),
    ).toEqual(["duckdb.node", "libduckdb.so"]);
  }, 30_000);
});
