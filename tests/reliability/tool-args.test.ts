import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { loadCatalog } from "../../engine/catalog/catalog.ts";
import type { Row, SqlValue } from "../../engine/warehouse/duckdb.ts";
import { DpError } from "../../engine/errors.ts";
import { setQuiet } from "../../engine/log.ts";
import { loadProject } from "../../engine/config/project.ts";
import { createToolContext, type ToolContext } from "../../tools/context.ts";
import { callTool, TOOLS } from "../../tools/toolbox/index.ts";
import { CLI_ENV, repoRoot, runDp } from "../helpers.ts";
import { CANARY_ENV, CANARY_ENV_VALUE } from "./lib/attacks.ts";
import { martsHash } from "./lib/marts-hash.ts";
import { reliabilityProject } from "./lib/project.ts";
import { record, Tally } from "./lib/record.ts";
import { budget } from "./lib/seeds.ts";
import { BASE_INPUTS, fuzzCases } from "./lib/tool-fuzz.ts";

setQuiet(true);
process.env[CANARY_ENV] = CANARY_ENV_VALUE;
let dir: string;
let baseline: string;
beforeAll(async () => {
  dir = reliabilityProject().dir;
  expect((await runDp(["run", "-C", dir])).code).toBe(0);
  baseline = await martsHash(dir);
}, budget(60_000));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Record every statement the tools send to DuckDB, with its bound parameters. */
async function spiedContext(): Promise<{ ctx: ToolContext; statements: { sql: string; params: SqlValue[] }[] }> {
  const ctx = createToolContext(loadProject(dir));
  const db = await ctx.db();
  const statements: { sql: string; params: SqlValue[] }[] = [];
  const all = db.all.bind(db);
  db.all = (async <T extends Row = Row>(sql: string, params: SqlValue[] = []) => {
    statements.push({ sql, params });
    return all<T>(sql, params);
  }) as typeof db.all;
  return { ctx, statements };
}

const leaked = (text: string) => /root:x:0:0|\/bin\/bash/.test(text) || text.includes(CANARY_ENV_VALUE);
const SPECIAL = /['";()\\]|DROP|getenv|read_/i;

describe("tool arguments: identifiers only from the catalog, values bound", () => {
  test(
    "every string argument of every tool, fuzzed in-process: clear refusals, payloads never in SQL text, act tools refused, marts unchanged",
    async () => {
      const { ctx, statements } = await spiedContext();
      for (const [tool, input] of Object.entries(BASE_INPUTS)) {
        if (TOOLS.find((t) => t.name === tool)!.authority === "act") continue;
        await callTool(ctx, { name: tool, input }); // the base inputs are valid: the fuzz starts from calls that reach SQL
      }
      const tally = new Tally();
      const acts = new Tally();
      let refused = 0;
      for (const c of fuzzCases()) {
        const authority = TOOLS.find((t) => t.name === c.tool)!.authority;
        const from = statements.length;
        let out = "";
        let err: unknown;
        try {
          out = JSON.stringify((await callTool(ctx, { name: c.tool, input: c.input })).output);
        } catch (e) {
          err = e;
        }
        if (err) refused++;
        const sqlHit =
          c.payload.length >= 3 && SPECIAL.test(c.payload)
            ? statements.slice(from).find((s) => s.sql.includes(c.payload))
            : undefined;
        const bad =
          (err && !(err instanceof DpError) && `threw ${(err as Error).name}: ${(err as Error).message}`) ||
          (err instanceof DpError &&
            ["INTERNAL", "MODEL_SQL"].includes(err.code) &&
            `${err.code}: ${err.message.slice(0, 160)}`) ||
          (sqlHit && `payload in SQL text: ${sqlHit.sql.slice(0, 160)}`) ||
          (leaked(out) && "leaked a file or env value");
        tally.try(!bad, `${c.tool}.${c.leaf} = ${JSON.stringify(c.payload.slice(0, 40))}: ${bad}`);
        if (authority === "act")
          acts.try(err instanceof DpError && /human's yes/.test(err.message), `${c.tool} ran without approval`);
      }
      ctx.close();
      const live = loadCatalog(loadProject(dir)).metrics.map((m) => m.name);
      tally.try(!live.includes("proposed_x"), "a proposed metric became live");
      const after = await martsHash(dir);
      tally.try(after === baseline, "marts changed");
      record({
        key: "tool-args-inprocess",
        kind: "security",
        title:
          "tool arguments fuzzed (`'; DROP`, quotes, UNION, read_csv, getenv, paths, NUL, 5 kB) on all tools, in-process",
        tries: tally.tries,
        lost: tally.lost,
        detail: `${refused} refused with a DpError, the rest answered with the payload only as a bound value; lost = non-DpError/INTERNAL/SQL errors, payload inside SQL text, leaked values, marts changed, a proposal becoming live`,
        file: "tests/reliability/tool-args.test.ts",
      });
      record({
        key: "act-without-approval",
        kind: "security",
        title: "`act` tool (export_mart) called without a human's yes, through callTool",
        tries: acts.tries,
        lost: acts.lost,
        detail: "lost = an act tool that ran",
        file: "tests/reliability/tool-args.test.ts",
      });
      expect(tally.examples).toEqual([]);
      expect(acts.examples).toEqual([]);
      expect(existsSync(join(dir, "out.csv"))).toBe(false);
    },
    budget(120_000),
  );

  test(
    "the same fuzz over dp mcp (stdio): isError with a message, never a crash; act tools refused to a client that cannot ask its human; marts unchanged",
    async () => {
      const transport = new StdioClientTransport({
        command: "bun",
        args: [join(repoRoot, "cli/main.ts"), "mcp", "-C", dir],
        env: { ...process.env, ...CLI_ENV, ANTHROPIC_API_KEY: "" } as Record<string, string>,
        stderr: "pipe",
      });
      const client = new Client({ name: "dp-reliability", version: "0.0.0" });
      await client.connect(transport);
      const tally = new Tally();
      const acts = new Tally();
      try {
        const { tools } = await client.listTools();
        tally.try(
          !tools.some(
            (t) =>
              /sql/i.test(t.name) ||
              Object.keys((t.inputSchema.properties ?? {}) as object).some((k) => /^sql$/i.test(k)),
          ),
          "a tool takes SQL",
        );
        for (const c of fuzzCases()) {
          const r = (await client.callTool({ name: c.tool, arguments: c.input })) as {
            content: { type: string; text: string }[];
            isError?: boolean;
          };
          const text = r.content.map((x) => x.text).join("\n");
          const bad =
            (r.isError && /\n\s+at .+:\d+:\d+/.test(text) && "stack trace") ||
            (leaked(text) && "leaked") ||
            (r.isError && /INTERNAL|MODEL_SQL/.test(text) && text.slice(0, 160));
          tally.try(!bad, `${c.tool}.${c.leaf} = ${JSON.stringify(c.payload.slice(0, 40))}: ${bad}`);
          if (TOOLS.find((t) => t.name === c.tool)!.authority === "act")
            acts.try(
              !!r.isError && /human's yes/.test(text),
              `${c.tool} ran over MCP without a human's yes: ${text.slice(0, 100)}`,
            );
        }
      } finally {
        await client.close();
      }
      tally.try((await martsHash(dir)) === baseline, "marts changed");
      record({
        key: "tool-args-mcp",
        kind: "security",
        title: "the same tool-argument fuzz over `dp mcp` (stdio JSON-RPC)",
        tries: tally.tries,
        lost: tally.lost,
        detail: "lost = stack traces, INTERNAL/SQL errors, leaked values, marts changed, a tool that takes SQL",
        file: "tests/reliability/tool-args.test.ts",
      });
      record({
        key: "act-without-approval-mcp",
        kind: "security",
        title: "`act` tool over MCP without a human's yes (no elicitation)",
        tries: acts.tries,
        lost: acts.lost,
        detail: "lost = an act tool that ran",
        file: "tests/reliability/tool-args.test.ts",
      });
      expect(tally.examples).toEqual([]);
      expect(acts.examples).toEqual([]);
      expect(readdirSync(dir).includes("out.csv")).toBe(false);
    },
    budget(120_000),
  );
});
