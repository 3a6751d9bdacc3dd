import { expect, test } from "bun:test";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dp, tempDir } from "../helpers.ts";

/** `dp init --with` and `dp add` through the real binary: files the founder owns, never overwritten once edited. */
test("init --with stripe, edit a model, add stripe again (kept), add hubspot (the bridge joins)", () => {
  const dir = join(tempDir(), "acme");
  const init = dp(["init", dir, "--with", "stripe"]);
  expect(init.code).toBe(0);
  expect(init.stdout).toMatch(/pack stripe: \d+ added · source stripe added to project\.yaml/);
  const yaml = readFileSync(join(dir, "project.yaml"), "utf8");
  expect(yaml).toContain('api_key: "${STRIPE_API_KEY}"');
  // data, secrets and sent messages (decision outboxes name customers) stay out of git
  expect(readFileSync(join(dir, ".gitignore"), "utf8").split("\n")).toEqual(
    expect.arrayContaining(["lake/", "warehouse/", ".dp/", ".env", "outbox/"]),
  );
  const model = join(dir, "models/marts/billing/mrr_monthly.sql");
  expect(readFileSync(model, "utf8")).toStartWith("-- dp pack stripe (sha256 ");
  appendFileSync(model, "-- my change\n");

  const again = dp(["add", "stripe", "-C", dir]);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain("source stripe already in project.yaml");
  expect(again.stdout).toContain("kept models/marts/billing/mrr_monthly.sql (edited since dp add wrote it)");
  expect(readFileSync(model, "utf8")).toEndWith("-- my change\n");
  expect(readFileSync(join(dir, "project.yaml"), "utf8")).toBe(yaml);

  const hubspot = dp(["add", "hubspot", "-C", dir, "--json"]);
  expect(hubspot.code).toBe(0);
  const results = JSON.parse(hubspot.stdout) as { pack: string; source?: { name: string; status: string } }[];
  expect(results.map((r) => r.pack)).toEqual(["hubspot", "stripe+hubspot"]);
  expect(results[0]!.source).toEqual({ name: "hubspot", status: "added" });
  expect(existsSync(join(dir, "models/marts/customers/accounts.sql"))).toBe(true);
});

test("an unknown pack is exit 2 before anything is written", () => {
  const dir = join(tempDir(), "nope");
  const r = dp(["init", dir, "--with", "strpe"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('there is no model pack "strpe"');
  expect(r.stderr).toContain("did you mean stripe?");
  expect(existsSync(join(dir, "project.yaml"))).toBe(false);
});
