import { afterAll, expect, test } from "bun:test";
import { fixture } from "../../cli/orchestrate-fixture.ts";
import { dp } from "../../helpers.ts";

const f = fixture("doctor");
afterAll(() => f.remove());

test("dp doctor names a missing secret and its fix, never prints a present one, exits 2 (bad config)", () => {
  f.config({
    sources: {
      shop: {
        connector: "files",
        owner: "ana@example.com",
        config: { streams: [{ name: "orders", url: "https://shop.example.com/orders.csv?key=${SHOP_API_KEY}" }] },
      },
    },
    alerts: { slack_webhook: "${SLACK_WEBHOOK_URL}" },
  });
  const secret = "https://hooks.slack.com/services/T1/B2/very-secret-value";
  const r = dp(["doctor", "--crontab-file", `${f.dir}/crontab`], {
    cwd: f.dir,
    env: { SHOP_API_KEY: "", SLACK_WEBHOOK_URL: secret, ANTHROPIC_API_KEY: "" },
  });
  expect(r.code).toBe(2);
  expect(r.stdout).toContain("✗ secret SHOP_API_KEY: missing (needed by source shop)");
  expect(r.stdout).toContain("fix: export SHOP_API_KEY=... or add it to");
  expect(r.stdout).toContain("✓ secret SLACK_WEBHOOK_URL: set (needed by alerts)");
  expect(r.stdout).not.toContain("very-secret-value");
  expect(r.stdout).toContain("! llm key: ANTHROPIC_API_KEY missing");
  expect(r.stdout).toContain("! cron: no crontab entry for this project");
  expect(r.stdout).toContain("fix: run `dp schedule install`");
  expect(r.stdout).toContain("! warehouse: nothing built yet");
  expect(r.stdout).toMatch(/✓ disk: [\d.]+ GB free/);
  const json = JSON.parse(
    dp(["doctor", "--json"], { cwd: f.dir, env: { SHOP_API_KEY: "k-123456", SLACK_WEBHOOK_URL: secret } }).stdout,
  );
  expect(json.ok).toBe(true);
  expect(JSON.stringify(json)).not.toContain("k-123456");
});

test("a broken project.yaml is a failed check with its fix", () => {
  f.write("project.yaml", "name: [oops\n");
  const r = dp(["doctor"], { cwd: f.dir });
  expect(r.code).toBe(2);
  expect(r.stdout).toContain("✗ project:");
  expect(r.stdout).toContain("project.yaml");
});

test("an unknown connector and a secret written inline are failed checks with line, closest name and the ${ENV} form", () => {
  f.write(
    "project.yaml",
    [
      "name: acme",
      "sources:",
      "  billing:",
      "    connector: strpie",
      "  crm:",
      "    connector: hubspot",
      "    config: { access_token: pat-na1-0f9e8d7c6b5a, streams: [contacts] }",
      "",
    ].join("\n"),
  );
  const r = dp(["doctor"], { cwd: f.dir });
  expect(r.code).toBe(2);
  expect(r.stdout).toContain('✗ project: unknown connector "strpie" for source "billing" (at project.yaml:4');
  expect(r.stdout).toContain('did you mean "stripe"?');
  expect(r.stdout).toContain("sources.crm.config.access_token is a secret written into project.yaml");
  expect(r.stdout).toContain('access_token: "${CRM_ACCESS_TOKEN}"');
  expect(r.stdout + r.stderr).not.toContain("pat-na1-0f9e8d7c6b5a");
});
