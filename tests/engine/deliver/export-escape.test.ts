/**
 * Where an export may write and what it may carry (issue #21 item 2, #19's PII in exports), through the
 * real binary and over MCP: the resolved real path must lie inside the project (${VAR}s, `..`, symlinks),
 * a secret is never expanded into a path, the audit names the resolved target redacted, and columns
 * tagged `pii: true` leave masked unless a human asks with --include-pii (or include_pii: true).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { stringify } from "yaml";
import { fixture } from "../../cli/orchestrate-fixture.ts";
import { dp, repoRoot, tempDir } from "../../helpers.ts";

const SECRET = "sk_live_canary_7f3e2d1c0b9a";
const f = fixture("export-escape");
const outside = tempDir("dp-export-outside-");
const env = { STRIPE_API_KEY: SECRET, DP_TEST_NOPE: undefined };
let client: Client;

const audit = () =>
  readFileSync(join(f.dir, ".dp", "audit.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const outsideFiles = () => readdirSync(outside, { recursive: true }).map(String);

beforeAll(async () => {
  f.write(
    "models/marts/people.sql",
    "SELECT id, 'person' || id || '@acme.io' AS email, amount FROM {{ ref('stg_orders') }}\n",
  );
  f.write(
    "models/marts/people.yml",
    stringify({ models: [{ name: "people", columns: [{ name: "email", pii: true }, { name: "id" }] }] }),
  );
  f.config({
    // this client cannot elicit a human's yes over MCP; the project allows acts unattended, so what is
    // tested is where the export may write, not who approved it
    ai: { allow_act_unattended: true },
    exports: [
      { mart: "people", to: "exports/scheduled.csv" },
      { mart: "people", to: "exports/scheduled-raw.csv", include_pii: true },
    ],
  });
  expect(dp(["run", "-C", f.dir], { env }).code).toBe(0);
  mkdirSync(join(f.dir, "exports"), { recursive: true });
  symlinkSync(outside, join(f.dir, "exports", "out"));
  const transport = new StdioClientTransport({
    command: "bun",
    args: [join(repoRoot, "cli/main.ts"), "mcp", "-C", f.dir],
    env: { ...process.env, NO_COLOR: "1", STRIPE_API_KEY: SECRET } as Record<string, string>,
    stderr: "pipe",
  });
  client = new Client({ name: "dp-test", version: "0.0.0" });
  await client.connect(transport);
}, 120_000);

afterAll(async () => {
  await client?.close();
  f.remove();
  rmSync(outside, { recursive: true, force: true });
});

const ESCAPES = [
  { to: `\${DP_TEST_NOPE:-${outside}}/a.csv`, why: "a ${VAR:-default} that points out" },
  { to: `\${HOME}/../../${outside.replace(/^\//, "")}/b.csv`, why: "${HOME}/.. climbing out" },
  { to: "exports/out/c.csv", why: "a symlink inside the project pointing out" },
  { to: `../${outside.split("/").pop()}/d.csv`, why: "a plain .. path" },
];

describe("exports never land outside the project", () => {
  for (const { to, why } of ESCAPES) {
    test(`dp export: ${why}`, () => {
      const r = dp(["export", "people", "--to", to, "-C", f.dir], { env, cwd: f.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("exports write inside the project only");
      expect(outsideFiles()).toEqual([]);
    });
    test(`MCP export_mart with confirm: ${why}`, async () => {
      const res = (await client.callTool({
        name: "export_mart",
        arguments: { mart: "people", to, confirm: true },
      })) as {
        isError?: boolean;
        content: { text: string }[];
      };
      expect(res.isError).toBe(true);
      expect(outsideFiles()).toEqual([]);
    });
  }

  test("a secret is never expanded into a file name (CLI and MCP), nor written to the audit", async () => {
    const to = "exports/${STRIPE_API_KEY}.csv";
    const r = dp(["export", "people", "--to", to, "-C", f.dir], { env, cwd: f.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("never expands a secret");
    const res = (await client.callTool({ name: "export_mart", arguments: { mart: "people", to, confirm: true } })) as {
      isError?: boolean;
    };
    expect(res.isError).toBe(true);
    expect(readdirSync(join(f.dir, "exports")).some((n) => n.includes(SECRET))).toBe(false);
    expect(readFileSync(join(f.dir, ".dp", "audit.jsonl"), "utf8")).not.toContain(SECRET);
  });

  test("an export inside the project is audited with the resolved real path", () => {
    const r = dp(["export", "people", "--to", "exports/../exports/ok.csv", "-C", f.dir], { env, cwd: f.dir });
    expect(r.code).toBe(0);
    const line = audit().at(-1)!;
    expect(line).toMatchObject({ action: "export", status: "ok", target: join(f.dir, "exports", "ok.csv") });
    const refused = audit().filter((a) => a.status === "failed");
    expect(refused.length).toBeGreaterThanOrEqual(ESCAPES.length);
  });
});

describe("pii columns leave masked unless a human asks", () => {
  test("dp export --to - masks the email column and says so; --include-pii writes it as it is", () => {
    const masked = dp(["export", "people", "--to", "-", "-C", f.dir], { env });
    expect(masked.code).toBe(0);
    expect(masked.stdout.split("\n")[0]).toBe("id,email,amount");
    expect(masked.stdout).not.toContain("@acme.io");
    expect(masked.stdout).toContain("p***@a***");
    expect(masked.stderr).toContain("masked pii columns: email");
    const raw = dp(["export", "people", "--to", "-", "--include-pii", "-C", f.dir], { env });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain("person1@acme.io");
    expect(audit().at(-1)).toMatchObject({ pii: "included" });
  });

  test("files, Parquet and scheduled exports mask too; include_pii: true in project.yaml is the ask", () => {
    const parquet = dp(["export", "people", "--to", "exports/people.parquet", "-C", f.dir], { env, cwd: f.dir });
    expect(parquet.code).toBe(0);
    const emails = dp([
      "sql",
      "--json",
      `select count(*) as n from read_parquet('${join(f.dir, "exports/people.parquet")}') where email like '%@acme.io'`,
      "-C",
      f.dir,
    ]);
    if (emails.code === 0) expect(JSON.parse(emails.stdout)[0].n).toBe(0);
    expect(readFileSync(join(f.dir, "exports", "scheduled.csv"), "utf8")).not.toContain("@acme.io");
    expect(readFileSync(join(f.dir, "exports", "scheduled-raw.csv"), "utf8")).toContain("@acme.io");
  });

  test("export_mart over MCP masks", async () => {
    const res = (await client.callTool({
      name: "export_mart",
      arguments: { mart: "people", to: "exports/mcp.csv", confirm: true },
    })) as { isError?: boolean; content: { text: string }[] };
    expect(res.isError ?? false).toBe(false);
    const csv = readFileSync(join(f.dir, "exports", "mcp.csv"), "utf8");
    expect(csv).toContain("p***@a***");
    expect(csv).not.toContain("@acme.io");
  });
});
