import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { readAudit } from "../../../tools/ask/question-audit.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { CLI_ENV, repoRoot } from "../../helpers.ts";
import { createFixture, FIXTURE_NOW, type Fixture } from "../fixture.ts";

/**
 * Acts and row-level data over `dp mcp` (the real binary on stdio): an export runs only after the
 * human says yes through MCP elicitation, never on a `confirm: true` the client's model wrote, and
 * ranked records stay on this machine unless ai.allow_row_level.
 */
let fx: Fixture;
let baseYaml: string;

beforeAll(async () => {
  fx = await createFixture();
  baseYaml = readFileSync(join(fx.dir, "project.yaml"), "utf8");
});
afterAll(() => fx.cleanup());

type Answer = "accept" | "decline" | "cancel";

/** A client of `dp mcp` for the project with these ai: keys; with `answer`, it supports elicitation and answers so. */
async function connect(ai: Record<string, unknown>, answer?: Answer) {
  const extra = Object.entries(ai)
    .map(([k, v]) => `, ${k}: ${JSON.stringify(v)}`)
    .join("");
  writeFileSync(
    join(fx.dir, "project.yaml"),
    baseYaml.replace("ai: { quality_gate: warn }", `ai: { quality_gate: warn${extra} }`),
  );
  const asked: string[] = [];
  const client = new Client(
    { name: "act-test", version: "0.0.0" },
    answer ? { capabilities: { elicitation: {} } } : {},
  );
  if (answer)
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(String(req.params.message));
      return answer === "accept" ? { action: "accept", content: { approve: true } } : { action: answer };
    });
  await client.connect(
    new StdioClientTransport({
      command: "bun",
      args: [join(repoRoot, "cli/main.ts"), "mcp", "-C", fx.dir],
      env: { ...process.env, ...CLI_ENV, DP_NOW: FIXTURE_NOW, ANTHROPIC_API_KEY: "" } as Record<string, string>,
      stderr: "pipe",
    }),
  );
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as { content: { text: string }[]; isError?: boolean };
    return { isError: !!r.isError, text: r.content[0]!.text };
  };
  return { client, call, asked };
}

const exportTo = (file: string) => ({ mart: "mrr_monthly", to: `exports/${file}` });

describe("an export over MCP needs a human's yes", () => {
  test("confirm: true from the client's model is no yes: a client that cannot ask the human is refused", async () => {
    const { client, call } = await connect({});
    try {
      const { tools } = await client.listTools();
      const act = tools.find((t) => t.name === "export_mart")!;
      expect(act.inputSchema.properties).not.toHaveProperty("confirm");
      expect(act.description).toContain("MCP elicitation");
      const r = await call("export_mart", { ...exportTo("confirmed.csv"), confirm: true });
      expect(r.isError).toBe(true);
      expect(r.text).toContain("this MCP client cannot ask for");
      expect(r.text).toContain("ai.allow_act_unattended");
      expect(existsSync(join(fx.dir, "exports/confirmed.csv"))).toBe(false);
    } finally {
      await client.close();
    }
  }, 30_000);

  test("with elicitation: dp asks the human; yes exports (audited as approved), no and cancel do not", async () => {
    for (const [answer, file] of [
      ["decline", "declined.csv"],
      ["cancel", "cancelled.csv"],
      ["accept", "approved.csv"],
    ] as const) {
      const { client, call, asked } = await connect({}, answer);
      try {
        const r = await call("export_mart", exportTo(file));
        expect(asked).toHaveLength(1);
        expect(asked[0]).toContain(`export the mart mrr_monthly to exports/${file}`);
        expect(r.isError).toBe(answer !== "accept");
        expect(existsSync(join(fx.dir, "exports", file))).toBe(answer === "accept");
        if (answer !== "accept") expect(r.text).toContain("the human declined");
      } finally {
        await client.close();
      }
    }
    const exported = readAudit(loadProject(fx.dir)).filter(
      // the audit names the resolved real path the export wrote to
      (a) => a.action === "export" && a.target === join(realpathSync(fx.dir), "exports/approved.csv"),
    );
    expect(exported).toHaveLength(1);
    rmSync(join(fx.dir, "exports"), { recursive: true, force: true });
  }, 60_000);

  test("ai.allow_act_unattended: the export runs without asking", async () => {
    const { client, call, asked } = await connect({ allow_act_unattended: true }, "decline");
    try {
      const r = await call("export_mart", exportTo("unattended.csv"));
      expect(r.isError).toBe(false);
      expect(asked).toEqual([]);
      expect(existsSync(join(fx.dir, "exports/unattended.csv"))).toBe(true);
    } finally {
      await client.close();
      rmSync(join(fx.dir, "exports"), { recursive: true, force: true });
    }
  }, 30_000);
});

describe("ai.allow_row_level over MCP", () => {
  test("ranked records are withheld unless the project allows them; ranking by a metric's dimension is not row-level", async () => {
    const args = { mart: "customers", measure: "mrr", label: "customer_id", n: 3 };
    const off = await connect({});
    try {
      const r = await off.call("top_n", args);
      expect(r.isError).toBe(false);
      const j = JSON.parse(r.text);
      expect(j.rows).toBeUndefined();
      expect(j.rows_withheld).toBe(3);
      expect(j.note).toContain("ai.allow_row_level");
      const byDim = JSON.parse((await off.call("top_n", { mart: "mrr_monthly", measure: "mrr", label: "plan" })).text);
      expect(byDim.rows.length).toBeGreaterThan(0);
    } finally {
      await off.client.close();
    }
    const on = await connect({ allow_row_level: true });
    try {
      const j = JSON.parse((await on.call("top_n", args)).text);
      expect(j.rows).toHaveLength(3);
      expect(j.rows[0].label).toMatch(/^\d+$/);
    } finally {
      await on.client.close();
    }
  }, 60_000);
});
