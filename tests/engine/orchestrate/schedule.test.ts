import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDue, parseSchedule } from "../../../engine/orchestrate/schedule.ts";
import { fixture } from "../../cli/orchestrate-fixture.ts";
import { dp } from "../../helpers.ts";

const at = (s: string) => new Date(s);

describe("schedules", () => {
  test("intervals are aligned slots, so a 5-minute cron tick never drifts them", () => {
    const s = parseSchedule("15m");
    expect(s.lastSlot(at("2026-11-21T06:07:00Z")).toISOString()).toBe("2026-11-21T06:00:00.000Z");
    expect(isDue(s, "2026-11-21T06:00:07Z", at("2026-11-21T06:14:59Z")).due).toBe(false);
    expect(isDue(s, "2026-11-21T06:00:07Z", at("2026-11-21T06:15:00Z")).due).toBe(true);
  });

  test("hourly, daily, daily at HH:MM (optionally in a time zone), weekly, cron", () => {
    expect(parseSchedule("hourly").lastSlot(at("2026-11-21T06:59:00Z")).toISOString()).toBe("2026-11-21T06:00:00.000Z");
    expect(parseSchedule("daily").lastSlot(at("2026-11-21T06:00:00Z")).toISOString()).toBe("2026-11-21T00:00:00.000Z");
    const six = parseSchedule("daily at 06:00");
    expect(six.lastSlot(at("2026-11-21T05:59:00Z")).toISOString()).toBe("2026-11-20T06:00:00.000Z");
    expect(six.lastSlot(at("2026-11-21T06:00:00Z")).toISOString()).toBe("2026-11-21T06:00:00.000Z");
    expect(parseSchedule("daily at 06:00 Europe/Berlin").lastSlot(at("2026-11-21T06:00:00Z")).toISOString()).toBe(
      "2026-11-21T05:00:00.000Z",
    );
    expect(parseSchedule("weekly on mon at 07:30").lastSlot(at("2026-11-21T06:00:00Z")).toISOString()).toBe(
      "2026-11-16T07:30:00.000Z",
    );
    expect(parseSchedule("*/10 * * * *").nextSlot(at("2026-11-21T06:01:00Z")).toISOString()).toBe(
      "2026-11-21T06:10:00.000Z",
    );
    expect(() => parseSchedule("every tuesday", "project.yaml:4")).toThrow(/invalid schedule/);
    expect(() => parseSchedule("61 * * * *")).toThrow(/cron/);
  });

  test("missed slots collapse into one catch-up run", () => {
    const s = parseSchedule("hourly");
    const d = isDue(s, "2026-11-20T06:00:00Z", at("2026-11-21T06:30:00Z"));
    expect(d.due).toBe(true);
    expect(d.reason).toContain("catching up 24 missed slots once");
    expect(isDue(s, "2026-11-21T06:30:00Z", at("2026-11-21T06:55:00Z")).due).toBe(false);
  });
});

describe("dp run --due over a pinned clock", () => {
  const f = fixture("due");
  afterAll(() => f.remove());
  f.config({
    exports: [
      { mart: "daily_revenue", to: "out/revenue.csv", schedule: "daily at 07:00" },
      { mart: "orders", to: "out/orders.csv" },
    ],
  });
  // keep the fixture's source, make it daily at 06:00
  writeFileSync(
    join(f.dir, "project.yaml"),
    readFileSync(join(f.dir, "project.yaml"), "utf8").replace("schedule: hourly", "schedule: daily at 06:00"),
  );
  const due = (now: string) => {
    const r = dp(["run", "--due", "--json"], { cwd: f.dir, env: { DP_NOW: now } });
    if (r.code !== 0) throw new Error(`dp run --due at ${now} exited ${r.code}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    return {
      status: out.status as string,
      pulled: out.pull.map((p: { source: string; rows: number }) => `${p.source}:${p.rows}`),
      built: !!out.build,
      exported: out.exports.filter((x: { status: string }) => x.status === "ok").map((x: { mart: string }) => x.mart),
      reasons: out.plan.sources.map((s: { reason: string }) => s.reason),
    };
  };

  test("a day of 5-minute ticks: each source and export runs when its slot passes, builds only after new data", () => {
    expect(due("2026-11-21T05:00:00Z")).toMatchObject({
      status: "success",
      pulled: ["shop:10"],
      built: true,
      exported: ["daily_revenue", "orders"],
    });
    expect(due("2026-11-21T05:05:00Z")).toMatchObject({ status: "idle", pulled: [], built: false, exported: [] });
    // the 06:00 slot: pulled, nothing new, so no build and no unscheduled export
    expect(due("2026-11-21T06:00:00Z")).toMatchObject({
      status: "success",
      pulled: ["shop:0"],
      built: false,
      exported: [],
    });
    f.writeOrders(5, 100);
    expect(due("2026-11-21T06:30:00Z")).toMatchObject({ status: "idle", pulled: [] });
    // 07:00: only the scheduled export is due
    expect(due("2026-11-21T07:00:00Z")).toMatchObject({
      status: "success",
      pulled: [],
      built: false,
      exported: ["daily_revenue"],
    });
    expect(due("2026-11-22T06:05:00Z")).toMatchObject({
      status: "success",
      pulled: ["shop:5"],
      built: true,
      exported: ["orders"],
    });
    expect(
      readFileSync(join(f.dir, "out", "orders.csv"), "utf8")
        .trim()
        .split("\n").length,
    ).toBe(16);
  }, 60_000);

  test("after three missed days, one catch-up run, then idle again", () => {
    const r = due("2026-11-25T09:00:00Z");
    expect(r.pulled).toEqual(["shop:0"]);
    expect(r.exported).toEqual(["daily_revenue"]);
    expect(r.reasons[0]).toContain("catching up 3 missed slots once");
    expect(due("2026-11-25T09:05:00Z").status).toBe("idle");
    const runs = JSON.parse(dp(["runs", "--json", "--limit", "50"], { cwd: f.dir }).stdout);
    expect(runs.length).toBe(5);
    expect(runs.every((r: { command: string }) => r.command === "run --due")).toBe(true);
  }, 30_000);
});
