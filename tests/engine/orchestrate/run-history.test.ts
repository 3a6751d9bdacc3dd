/**
 * The run history records every invocation that takes (or finds) the lock (issue #21 items 3, 8, 10),
 * through the real binary: pull, build and test on their own, a run killed with SIGKILL (marked
 * interrupted by the next one), firings that found the lock held (visible in `dp runs`, one alert
 * once the holder has held it past alerts.lock_alert_after, a recovery when it is free), and alerts
 * that carry no data values.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { fixture } from "../../cli/orchestrate-fixture.ts";
import { FakeSlack } from "../../fakes/slack.ts";
import { runDp } from "../../helpers.ts";

let slack: FakeSlack;
const f = fixture("history");
const runs = async (...extra: string[]) => {
  const r = await runDp(["runs", "--json", "-n", "50", ...extra], { cwd: f.dir, env });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as {
    run_id: string;
    command: string;
    status: string;
    error: string | null;
    steps: { step: string }[];
  }[];
};
let env: Record<string, string>;

beforeAll(async () => {
  slack = await FakeSlack.start();
  env = { SLACK_WEBHOOK_URL: slack.url };
  f.config({ alerts: { slack_webhook: "${SLACK_WEBHOOK_URL}", lock_alert_after: "1h" } });
});
afterAll(async () => {
  await slack.close();
  f.remove();
});

describe("dp runs", () => {
  test("pull, build and test on their own are recorded with their outcome", async () => {
    expect((await runDp(["pull"], { cwd: f.dir, env })).code).toBe(0);
    expect((await runDp(["build"], { cwd: f.dir, env })).code).toBe(0);
    expect((await runDp(["test"], { cwd: f.dir, env })).code).toBe(0);
    const h = await runs();
    expect(h.slice(0, 3).map((r) => `${r.command}:${r.status}`)).toEqual([
      "test:success",
      "build:success",
      "pull:success",
    ]);
    expect(h[1]!.steps[0]).toMatchObject({ step: "build", detail: "3/3 models" });
  });

  test("a run killed with SIGKILL shows as interrupted, and the next run records it so", async () => {
    f.writeOrders(5, 100);
    const killed = await runDp(["run"], { cwd: f.dir, env: { ...env, DP_CRASH_AT: "after-rename:1" } });
    expect(killed.code).not.toBe(0);
    expect((await runs())[0]).toMatchObject({ command: "run", status: "interrupted" });
    const next = await runDp(["run"], { cwd: f.dir, env });
    expect(next.code).toBe(0);
    const h = await runs();
    expect(h[0]).toMatchObject({ command: "run", status: "success" });
    expect(h[1]).toMatchObject({ command: "run", status: "interrupted" });
    expect(h[1]!.error).toContain("stopped without finishing");
  });

  test("a failed build is in the history with its step", async () => {
    f.write("models/marts/broken.sql", "SELECT no_such_column FROM {{ ref('stg_orders') }}\n");
    const r = await runDp(["run"], { cwd: f.dir, env: { ...env, DP_NOW: "2026-11-21T06:30:00Z" } });
    expect(r.code).toBe(1);
    const [last] = await runs();
    expect(last).toMatchObject({ command: "run", status: "failed" });
    expect(last!.error).toContain("build");
    f.write("models/marts/broken.sql", "SELECT id FROM {{ ref('stg_orders') }}\n");
  });
});

describe("a lock held by a live process", () => {
  test("each firing is in dp runs as locked; past the limit one alert (once), then a recovery when it is free", async () => {
    const holder = Bun.spawn(["sleep", "60"]);
    try {
      mkdirSync(join(f.dir, ".dp"), { recursive: true });
      const since = new Date(Date.now() - 3 * 3_600_000).toISOString();
      writeFileSync(
        join(f.dir, ".dp", "run.lock"),
        JSON.stringify({ pid: holder.pid, started_at: since, command: "run --due" }),
      );
      slack.reset();
      for (let i = 0; i < 3; i++) {
        const r = await runDp(["run", "--due"], { cwd: f.dir, env });
        expect(r.code).toBe(3);
        expect(r.stderr).toContain("error[LOCKED]");
        // with a timestamp in the log, for cron's log file
        expect(r.stderr).toMatch(/"ts":"[0-9T:.-]+Z".*did not start/);
      }
      const h = await runs();
      expect(h.slice(0, 3).map((r) => r.status)).toEqual(["locked", "locked", "locked"]);
      expect(h[0]!.error).toContain(`pid ${holder.pid}`);
      const alerts = slack.texts().filter((t) => t.includes("held the project lock"));
      expect(alerts.length).toBe(1);
      expect(alerts[0]).toContain(`pid ${holder.pid}`);
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }
    const free = await runDp(["run"], { cwd: f.dir, env: { ...env, DP_NOW: "2026-11-21T09:00:00Z" } });
    expect(free.code).toBe(0);
    expect(slack.texts().at(-1)).toContain("recovered: dp run --due");
  });

  test("under the limit: locked firings are recorded, no alert", async () => {
    const holder = Bun.spawn(["sleep", "60"]);
    try {
      writeFileSync(
        join(f.dir, ".dp", "run.lock"),
        JSON.stringify({ pid: holder.pid, started_at: new Date().toISOString(), command: "run" }),
      );
      slack.reset();
      expect((await runDp(["pull"], { cwd: f.dir, env })).code).toBe(3);
      expect((await runs())[0]).toMatchObject({ command: "pull", status: "locked" });
      expect(slack.texts()).toEqual([]);
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }
  });
});

describe("alerts carry no data values", () => {
  test("a model error quoting a pii value reaches Slack and the history masked", async () => {
    f.write(
      "models/marts/people.sql",
      "SELECT id, 'paula.kim' || id || '@example.org' AS email FROM {{ ref('stg_orders') }}\n",
    );
    f.write(
      "models/marts/people.yml",
      stringify({ models: [{ name: "people", columns: [{ name: "email", pii: true }] }] }),
    );
    f.write("models/marts/people_ids.sql", "SELECT CAST(email AS INTEGER) AS n FROM {{ ref('people') }}\n");
    slack.reset();
    const r = await runDp(["run"], { cwd: f.dir, env: { ...env, DP_NOW: "2026-11-21T10:00:00Z" } });
    expect(r.code).toBe(1);
    const posted = slack.texts().join("\n");
    expect(posted).toContain("people_ids");
    expect(posted).toContain("Could not convert string");
    expect(posted).not.toContain("paula.kim");
    expect(posted).not.toContain("@example.org");
    expect(JSON.stringify(await runs())).not.toContain("paula.kim");
  });
});
