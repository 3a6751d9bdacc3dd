import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FakeGoogle } from "../fakes/google.ts";
import { FakeSlack } from "../fakes/slack.ts";
import { fixture } from "./orchestrate-fixture.ts";
import { dp, runDp } from "../helpers.ts";

const f = fixture("delivery");
let slack: FakeSlack;
let google: FakeGoogle;

beforeAll(async () => {
  slack = await FakeSlack.start();
  google = await FakeGoogle.start();
  google.addSpreadsheet("SHEET9");
  // a webhook URL is a credential: it comes from the environment (here the project's .env), never inline
  f.write(".env", `SLACK_WEBHOOK_URL=${slack.url}\nSHEET_ID=SHEET9\n`);
  f.config({
    alerts: { slack_webhook: "${SLACK_WEBHOOK_URL}" },
    brief: { metrics: ["revenue"] },
    exports: [{ mart: "daily_revenue", to: "sheets://${SHEET_ID}/Revenue" }],
  });
});
afterAll(async () => {
  await slack.close();
  await google.close();
  f.remove();
});

test("dp run exports to Sheets (service account from the key file, ${SHEET_ID} from env), then dp export - prints CSV", async () => {
  const env = { ...google.env(google.writeKeyFile(f.dir)), SHEET_ID: "SHEET9" };
  const r = await runDp(["run"], { cwd: f.dir, env });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("✓ export: 1/1 exports");
  const tab = google.tab("SHEET9", "Revenue")!;
  expect(tab.rows[0]).toEqual(["day", "revenue", "orders"]);
  expect(tab.rows.length).toBe(11);
  expect(tab.notes["0,0"]).toMatch(/^data as of 2026-11-21T06:00:00Z · marts.daily_revenue/);
  const audit = readFileSync(join(f.dir, ".dp", "audit.jsonl"), "utf8");
  // the audit names the target the export really wrote to
  expect(audit).toContain('"target":"sheets://SHEET9/Revenue"');
  const csv = dp(["export", "daily_revenue", "--to", "-"], { cwd: f.dir });
  expect(csv.code).toBe(0);
  expect(csv.stdout.trim().split("\n")).toHaveLength(11);
  expect(csv.stdout).toStartWith("day,revenue,orders\n");
  // a mistyped mart: exit 2, the closest published mart, nothing written
  const typo = dp(["export", "daily_revenu", "--to", "-"], { cwd: f.dir });
  expect(typo.code).toBe(2);
  expect(typo.stdout).toBe("");
  expect(typo.stderr).toContain('"daily_revenu" is not a published mart');
  expect(typo.stderr).toContain("did you mean daily_revenue?");
  // an unset variable is bad config: exit 2 naming it and its line, before any step runs
  const missing = await runDp(["run"], { cwd: f.dir, env: { SHEET_ID: "", DP_NOW: "2026-11-21T07:00:00Z" } });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("environment variable SHEET_ID is not set (needed by the export of daily_revenue)");
  expect(missing.stderr).toMatch(/project\.yaml:\d+ \(exports\[0\]\.to\)/);
  expect(missing.stdout).not.toContain("build");
}, 30_000);

test("dp brief prints each metric vs the previous period, and --post sends it to Slack (audited)", async () => {
  const now = { DP_NOW: "2026-11-06T06:00:00Z" };
  const out = dp(["brief"], { cwd: f.dir, env: now });
  expect(out.code).toBe(0);
  expect(out.stdout).toContain("Revenue: 4.5 on Nov 5, 2026");
  expect(out.stdout).toContain("vs");
  slack.reset();
  const posted = await runDp(["brief", "--post"], { cwd: f.dir, env: now });
  expect(posted.code).toBe(0);
  expect(slack.texts().at(-1)).toContain("Revenue: 4.5 on Nov 5, 2026");
  expect(readFileSync(join(f.dir, ".dp", "audit.jsonl"), "utf8")).toContain('"action":"send"');
}, 30_000);
