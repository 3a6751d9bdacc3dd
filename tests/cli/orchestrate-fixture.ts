import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";

export const repoRoot = join(import.meta.dir, "..", "..");
export const mainTs = join(repoRoot, "cli", "main.ts");

export interface Fixture {
  dir: string;
  write(rel: string, content: string): void;
  /** rows of shop.csv: order id, amount, day */
  writeOrders(n: number, startId?: number): void;
  config(extra?: Record<string, unknown>): void;
  remove(): void;
}

/** A small files-connector project: raw shop.orders → staging.stg_orders → marts.daily_revenue / marts.orders. */
export function fixture(prefix = "orch"): Fixture {
  const dir = mkdtempSync(join(tmpdir(), `dp-${prefix}-`));
  const write = (rel: string, content: string) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  };
  const f: Fixture = {
    dir,
    write,
    writeOrders(n, startId = 1) {
      const lines = ["id,amount,day"];
      for (let i = 0; i < n; i++)
        lines.push(
          `${startId + i},${((startId + i) % 97) + 0.5},2026-11-${String(1 + ((startId + i) % 20)).padStart(2, "0")}`,
        );
      write(`data/orders-${startId}.csv`, `${lines.join("\n")}\n`);
    },
    config(extra = {}) {
      write(
        "project.yaml",
        stringify({
          name: "orch",
          sources: {
            shop: {
              connector: "files",
              owner: "ana@example.com",
              freshness: { warn_after: "6h", error_after: "24h" },
              schedule: "hourly",
              config: { streams: [{ name: "orders", path: "data/orders-*.csv", primary_key: "id" }] },
            },
          },
          ...extra,
        }),
      );
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  write(
    "models/staging/stg_orders.sql",
    "SELECT DISTINCT id::BIGINT AS id, amount::DOUBLE AS amount, day::DATE AS day FROM {{ source('shop', 'orders') }}\n",
  );
  write("models/marts/orders.sql", "SELECT * FROM {{ ref('stg_orders') }}\n");
  write(
    "models/marts/daily_revenue.sql",
    "SELECT day, sum(amount) AS revenue, count(*) AS orders FROM {{ ref('stg_orders') }} GROUP BY day\n",
  );
  write(
    "models/marts/marts.yml",
    stringify({
      models: [
        { name: "daily_revenue", owner: "bob@example.com", columns: [{ name: "day", tests: ["not_null", "unique"] }] },
      ],
      metrics: [
        {
          name: "revenue",
          description: "revenue",
          mart: "daily_revenue",
          time_column: "day",
          expression: "sum(revenue)",
          grain: "day",
        },
      ],
    }),
  );
  f.writeOrders(10);
  f.config();
  return f;
}

export interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

export function dp(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Cli {
  const r = Bun.spawnSync(["bun", mainTs, ...args], {
    cwd,
    env: {
      ...process.env,
      NO_COLOR: "1",
      DP_NOW: "2026-11-21T06:00:00Z",
      DP_HTTP_RETRY_BASE_MS: "10",
      ...env,
    } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

export function dpAsync(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return Bun.spawn(["bun", mainTs, ...args], {
    cwd,
    env: {
      ...process.env,
      NO_COLOR: "1",
      DP_NOW: "2026-11-21T06:00:00Z",
      DP_HTTP_RETRY_BASE_MS: "10",
      ...env,
    } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** For tests whose fakes live in this process: spawnSync would block their event loop. */
export async function dpRun(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Cli> {
  const p = dpAsync(args, cwd, env);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}
