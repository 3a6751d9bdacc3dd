import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deliverAlerts, type AlertEvent } from "../../../engine/orchestrate/alerts.ts";
import { setQuiet } from "../../../engine/log.ts";
import { loadProject, type Project } from "../../../engine/config/project.ts";
import { fixture, type Fixture } from "../../cli/orchestrate-fixture.ts";
import { runDp } from "../../helpers.ts";
import { FakeSlack } from "../../fakes/slack.ts";

setQuiet(true);

let slack: FakeSlack;
let f: Fixture;
let project: Project;
const savedNow = process.env.DP_NOW;

beforeAll(async () => {
  slack = await FakeSlack.start();
  f = fixture("alerts");
  f.config({
    alerts: { slack_webhook: "${SLACK_WEBHOOK_URL}", webhook: "${DP_TEST_ALERT_WEBHOOK}", dedup_window: "6h" },
  });
  process.env.SLACK_WEBHOOK_URL = slack.url;
  process.env.DP_TEST_ALERT_WEBHOOK = slack.webhookUrl;
  process.env.DP_HTTP_RETRY_BASE_MS = "5";
  project = loadProject(f.dir);
});

afterAll(async () => {
  await slack.close();
  f.remove();
  if (savedNow === undefined) delete process.env.DP_NOW;
  else process.env.DP_NOW = savedNow;
});

const pullFailed: AlertEvent = {
  key: "pull:shop",
  step: "pull",
  title: "pull of shop failed",
  error: "HTTP 503 from the shop API",
  owner: "ana@example.com",
  command: "dp pull shop",
};
const at = async (iso: string, events: AlertEvent[], evaluated = ["pull:shop"]) => {
  process.env.DP_NOW = iso;
  return deliverAlerts(project, events, new Set(evaluated), `run-${iso}`);
};

describe("alerts", () => {
  test("deduplicated within the window, re-sent after it, one recovery when the key clears", async () => {
    expect((await at("2026-11-21T06:00:00Z", [pullFailed])).sent).toEqual(["pull:shop"]);
    expect((await at("2026-11-21T07:00:00Z", [pullFailed])).deduped).toEqual(["pull:shop"]);
    expect((await at("2026-11-21T12:30:00Z", [pullFailed])).sent).toEqual(["pull:shop"]);
    // a run that did not look at shop cannot declare it recovered
    expect((await at("2026-11-21T12:35:00Z", [], [])).recovered).toEqual([]);
    expect((await at("2026-11-21T13:00:00Z", [])).recovered).toEqual(["pull:shop"]);
    expect((await at("2026-11-21T13:05:00Z", [])).recovered).toEqual([]);
    const texts = slack.texts();
    expect(texts.length).toBe(3);
    expect(texts[0]).toContain("pull of shop failed");
    expect(texts[0]).toContain("HTTP 503 from the shop API");
    expect(texts[0]).toContain("owner: ana@example.com");
    expect(texts[0]).toContain("`dp pull shop`");
    expect(texts[2]).toContain("recovered: pull of shop failed (failing since 2026-11-21T06:00:00.000Z)");
    const hooks = slack.posts("/hooks/");
    expect(hooks.map((h) => h.kind)).toEqual(["alert", "alert", "recovery"]);
    expect(hooks[0]).toMatchObject({
      project: "orch",
      key: "pull:shop",
      step: "pull",
      owner: "ana@example.com",
      command: "dp pull shop",
    });
  });

  test("429 and 500 are retried; a channel that stays down is logged, never thrown, and retried next run", async () => {
    slack.reset();
    slack.failNext(429, 1, "0");
    slack.failNext(500, 1);
    const ok = await at(
      "2026-11-22T06:00:00Z",
      [{ ...pullFailed, key: "test:daily_revenue", step: "test" }],
      ["test:daily_revenue"],
    );
    expect(ok.sent).toEqual(["test:daily_revenue"]);
    expect(slack.server.requests.filter((r) => r.fault).length).toBe(2);
    slack.reset();
    slack.server.fail({ kind: "status", status: 503 }, { times: 100 });
    const down = await at(
      "2026-11-22T06:05:00Z",
      [{ ...pullFailed, key: "freshness:shop", step: "freshness" }],
      ["freshness:shop"],
    );
    expect(down.failed).toEqual(["freshness:shop"]);
    slack.reset();
    const next = await at(
      "2026-11-22T06:10:00Z",
      [{ ...pullFailed, key: "freshness:shop", step: "freshness" }],
      ["freshness:shop"],
    );
    expect(next.sent).toEqual(["freshness:shop"]);
  });
});

describe("alerts from dp run", () => {
  test("a failing source alerts with its owner and command; the fixed run sends the recovery", async () => {
    const g = fixture("alert-run");
    try {
      g.config({ alerts: { slack_webhook: "${SLACK_WEBHOOK_URL}" } });
      slack.reset();
      writeFileSync(join(g.dir, "data", "orders-2.csv"), 'id,amount,day\n1,2.5,2026-11-02,extra,"unterminated\n');
      const bad = await runDp(["run"], { cwd: g.dir });
      expect(bad.code).toBe(1);
      expect(slack.texts().length).toBe(1);
      const [alert] = slack.texts();
      expect(alert).toContain("pull of shop failed");
      expect(alert).toContain("ana@example.com");
      expect(alert).toContain("`dp pull shop`");
      writeFileSync(join(g.dir, "data", "orders-2.csv"), "id,amount,day\n2,2.5,2026-11-02\n");
      const good = await runDp(["run"], { cwd: g.dir, env: { DP_NOW: "2026-11-21T07:00:00Z" } });
      expect(good.code).toBe(0);
      expect(slack.texts().at(-1)).toContain("recovered: pull of shop failed");
    } finally {
      g.remove();
    }
  }, 30_000);
});
