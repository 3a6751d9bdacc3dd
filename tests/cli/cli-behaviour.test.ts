import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_ENV, CLI_MAIN, dp, repoRoot, runCmd, runDp, tempDir } from "../helpers.ts";

/**
 * Issue #19, item by item, through the real binary: habits users bring from dbt, gh, git and the Stripe
 * CLI. The tests run in file order on one demo project: first what a user does before the first build,
 * then `dp run`, then what they do after it.
 */
const root = tempDir("dp-cli-behaviour-");
const dir = join(root, "acme");
const run = (args: string[], env?: Record<string, string | undefined>) => dp([...args, "-C", dir], { env });
const lines = (s: string) => s.split("\n").filter((l) => l.trim());

beforeAll(() => {
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("usage is checked before any work starts", () => {
  test("`dp run --dry-run` is exit 2 naming the flag, and pulls nothing", () => {
    const r = run(["run", "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown flag --dry-run for `dp run`");
    expect(existsSync(join(dir, "lake"))).toBe(false);
  });
  test("`dp build --selct x` names --select and builds nothing", () => {
    const r = run(["build", "--selct", "mrr_monthly"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean --select?");
    expect(existsSync(join(dir, "warehouse"))).toBe(false);
  });
  test("`dp pull --full-refersh` names --full-refresh and pulls nothing", () => {
    const r = run(["pull", "--full-refersh"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean --full-refresh?");
    expect(existsSync(join(dir, "lake"))).toBe(false);
  });
  test("bad values: `runs -n abc`, `--log-format xml`, `sql --limit 0`", () => {
    const n = run(["runs", "-n", "abc"]);
    expect([n.code, n.stderr]).toEqual([2, expect.stringContaining('--limit "abc": expected a whole number')]);
    const f = run(["runs", "--log-format", "xml"]);
    expect([f.code, f.stderr]).toEqual([2, expect.stringContaining("--log-format xml is not one of pretty, json")]);
    expect(run(["sql", "select 1", "--limit", "0"]).code).toBe(2);
  });
  test("an unknown command names the closest one, nested ones too", () => {
    const r = dp(["biuld"]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("did you mean `dp build`?")]);
    const s = dp(["schedule", "instal"]);
    expect([s.code, s.stderr]).toEqual([2, expect.stringContaining("did you mean `dp schedule install`?")]);
  });
  test("a stray word says how to select instead of being ignored", () => {
    const r = run(["build", "mrr_monthly"]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("dp build --select mrr_monthly")]);
  });
  test("--json makes a usage error a JSON object on stdout with code, message, where and fix", () => {
    const r = run(["runs", "--json", "-n", "abc"]);
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({ code: "USAGE", where: "dp runs" });
    expect(error.message).toContain("--limit");
    expect(error.fix).toContain("e.g. --limit N");
  });
});

describe("help of every command, nested ones too, with examples", () => {
  test("`dp schedule install --help` is its own page, with its flags and examples", () => {
    const r = dp(["schedule", "install", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("dp schedule install — ");
    expect(r.stdout).toContain("--crontab-file PATH");
    expect(r.stdout).toContain("--print");
    expect(r.stdout).toMatch(/Examples:\n {2}dp schedule install/);
  });
  test("`dp contract infer --help` shows --write and MODEL", () => {
    const r = dp(["contract", "infer", "--help"]);
    expect(r.stdout).toContain("Usage: dp contract infer MODEL [flags]");
    expect(r.stdout).toContain("--write");
  });
});

describe("before the first build", () => {
  test("`dp runs` says there are no runs yet", () => {
    const r = run(["runs"]);
    expect([r.code, r.stdout.trim()]).toEqual([0, "no runs yet: `dp run` records one"]);
    expect(JSON.parse(run(["runs", "--json"]).stdout)).toEqual([]);
  });
  test("`dp eval` is one error, not a failure (or a DuckDB catalog error) per case", () => {
    const r = run(["eval", "--offline"]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout + r.stderr).length).toBeLessThanOrEqual(3);
    expect(r.stderr).toContain("fix: run `dp run`");
    expect(r.stderr).not.toContain("Catalog Error");
  });
  test("`dp test` says once that nothing is built", () => {
    const r = run(["test"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("47 models are not built yet: run `dp build` (or `dp run`) first");
    expect(r.stdout.match(/not built/g)).toHaveLength(1);
  });
});

describe("after a good `dp run`", () => {
  beforeAll(() => {
    const r = run(["run"]);
    expect(r.code).toBe(0);
  }, 180_000);

  test("`dp build` prints each model once, with N of M, and a summary", () => {
    const r = run(["build", "--full-refresh"]);
    expect(r.code).toBe(0);
    const progress = lines(r.stderr)
      .map((l) => JSON.parse(l) as { msg: string; model?: string })
      .filter((l) => l.model);
    expect(progress).toHaveLength(47);
    expect(new Set(progress.map((p) => p.model)).size).toBe(47);
    expect(progress.map((p) => /^(\d+) of 47 ✓ /.exec(p.msg)?.[1])).toEqual(
      Array.from({ length: 47 }, (_, i) => String(i + 1)),
    );
    expect(lines(r.stdout)).toEqual([
      expect.stringMatching(/^47\/47 models built, tests [\d,]+\/[\d,]+ passed in [\d,]+ ms$/),
    ]);
  }, 120_000);

  test("one count format: `dp pull` and its log print 20,690 rows, not 20690", () => {
    const r = run(["pull", "stripe", "--full-refresh"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ stripe: \d{1,3}(,\d{3})+ rows$/m);
    expect(r.stdout).not.toMatch(/\d{4,}/);
    const pulled = lines(r.stderr)
      .map((l) => JSON.parse(l).msg as string)
      .find((m) => m.includes("pulled"))!;
    expect(pulled).toMatch(/pulled \d{1,3}(,\d{3})+ rows/);
  }, 60_000);

  test("every --json is snake_case: build, test, pull, run, runs, sources, lineage", () => {
    const camel: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          if (/[A-Z]/.test(k)) camel.push(`${path}.${k}`);
          walk(x, `${path}.${k}`);
        }
    };
    for (const args of [
      ["build", "--select", "mrr_monthly"],
      ["test", "--select", "mrr_monthly"],
      ["pull", "support"],
      ["runs"],
      ["sources"],
      ["lineage", "mrr_monthly"],
      ["run", "--select", "mrr_monthly", "--no-exports"],
    ]) {
      const r = run([...args, "--json"]);
      expect(r.code).toBe(0);
      walk(JSON.parse(r.stdout), args[0]!);
    }
    expect(camel).toEqual([]);
  }, 120_000);

  test("no colour in a pipe, even without NO_COLOR", () => {
    for (const args of [["runs"], ["--help"], ["build", "--select", "mrr_monthly"], ["ask", "mrr last month"]]) {
      const r = run(args, { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: "xterm-256color" });
      expect(r.stdout + r.stderr).not.toContain("\x1b[");
    }
  }, 60_000);

  test("on a terminal, colour codes do not push the runs table's columns out of line", async () => {
    let out = "";
    const p = Bun.spawn(["bun", CLI_MAIN, "runs", "-C", dir], {
      env: { ...process.env, ...CLI_ENV, NO_COLOR: undefined, TERM: "xterm-256color" },
      terminal: {
        cols: 200,
        rows: 40,
        data: (_t: unknown, d: Uint8Array) => void (out += new TextDecoder().decode(d)),
      },
    } as Parameters<typeof Bun.spawn>[1]);
    await p.exited;
    expect(out).toContain("\x1b[32msuccess");
    const [head, ...rows] = out
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split(/\r?\n/)
      .filter(Boolean);
    // the history holds every lock-taking command (a `dp test` before the first build failed): each row's
    // status, whatever it is, starts under the header's
    const at = head!.indexOf("status");
    for (const row of rows) expect(row.slice(at)).toMatch(/^(success|failed|interrupted|locked|running|idle)\b/);
  });

  test("`dp sql`: a missing table and a syntax error have their own codes, not READ_ONLY", () => {
    const missing = run(["sql", "select * from marts.mrr_montly"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error[NOT_FOUND]");
    expect(missing.stderr).toContain("mrr_monthly");
    const syntax = run(["sql", "selec 1"]);
    expect([syntax.code, syntax.stderr]).toEqual([2, expect.stringContaining("error[SQL_SYNTAX]")]);
    expect(run(["sql", "delete from marts.mrr_monthly"]).stderr).toContain("error[READ_ONLY]");
  }, 60_000);

  test("`dp sql`: the fix names the project's own closest table or column, with where in the statement", () => {
    const fixOf = (sql: string) => /fix: (.*)/.exec(run(["sql", sql]).stderr)?.[1];
    // DuckDB's own hints: "pg_enum", "dp_base.marts.customers or marts.customers", "customers" without its schema
    expect(fixOf("select * from nope")).not.toContain("pg_");
    expect(fixOf("select * from customers")).toStartWith("did you mean marts.customers?");
    expect(fixOf("select * from marts.customrs")).toStartWith("did you mean marts.customers?");
    expect(fixOf("select * from staging.stg_stripe_customers")).toStartWith(
      "did you mean staging.stg_stripe__customers?",
    );
    expect(fixOf("select * from mrr")).toStartWith("did you mean marts.mrr_monthly?");
    const column = run(["sql", "select custmer_id from marts.customers"]);
    expect(column.code).toBe(2);
    expect(column.stderr).toContain('fix: did you mean "customer_id"?');
    expect(column.stderr).toContain("at line 1, column 8: custmer_id from marts.customers");
  }, 60_000);

  test("names a user types get the closest match: model, qualified model, period word, source", () => {
    expect(run(["lineage", "mrr_montly"]).stderr).toContain("did you mean mrr_monthly?");
    const qualified = run(["lineage", "staging.stg_hubspot__deals"]);
    expect([qualified.code, lines(qualified.stdout)[0]]).toEqual([0, "staging.stg_hubspot__deals"]);
    expect(run(["brief", "--period", "lastmonth"]).stderr).toContain('did you mean "last month"?');
    expect(run(["pull", "strpe"]).stderr).toContain("did you mean stripe?");
    expect(run(["contract", "infer", "mrr_montly"]).stderr).toContain("did you mean mrr_monthly?");
  }, 60_000);

  test("`dp contract infer --write` changes the contract and the column types, nothing else in the file", () => {
    const file = join(dir, "models/marts/marts.yml");
    const before = readFileSync(file, "utf8");
    try {
      const r = run(["contract", "infer", "support_daily", "--write", "--json"]);
      expect(r.code).toBe(0);
      const columns = JSON.parse(r.stdout).columns.length as number;
      const after = readFileSync(file, "utf8");
      const a = before.split("\n");
      const b = after.split("\n");
      // every line of the old file is still there, in order; what was added or changed is the contract and the types
      const kept = a.filter((l) => b.includes(l)).length;
      expect(a.length - kept).toBeLessThanOrEqual(columns);
      expect(b.length - a.length).toBeLessThanOrEqual(columns + 1);
      expect(after).toContain("    contract: true\n");
      expect(after).toContain("      - { name: day, type: DATE, tests: [not_null, unique] }");
      const outside = (t: string) => t.slice(0, t.indexOf("- name: support_daily")) + t.slice(t.indexOf("\nmetrics:"));
      expect(outside(after)).toBe(outside(before));
      expect(run(["build", "--select", "support_daily"]).code).toBe(0);
    } finally {
      writeFileSync(file, before);
    }
  }, 60_000);

  test("the crontab line's PATH has each directory once", () => {
    const r = run(["schedule", "install", "--print"], {
      PATH: `/usr/bin:/bin:/usr/bin::/usr/local/bin:/bin:${process.env.PATH}`,
    });
    const path = /PATH=(\S+)/.exec(r.stdout)![1]!.replace(/^'|'$/g, "").split(":");
    expect(path.slice(0, 3)).toEqual(["/usr/bin", "/bin", "/usr/local/bin"]);
    expect(new Set(path).size).toBe(path.length);
  });

  test("REPL on a terminal: Ctrl-C clears a half-typed line, Ctrl-D leaves on a fresh line", async () => {
    let out = "";
    const p = Bun.spawn(["bun", CLI_MAIN, "ask", "-C", dir], {
      env: { ...process.env, ...CLI_ENV, ANTHROPIC_API_KEY: "" },
      terminal: {
        cols: 120,
        rows: 40,
        data: (_t: unknown, d: Uint8Array) => void (out += new TextDecoder().decode(d)),
      },
    } as Parameters<typeof Bun.spawn>[1]);
    const term = (p as unknown as { terminal: { write(s: string): void } }).terminal;
    const waitFor = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await Bun.sleep(25);
    };
    await waitFor(() => out.includes("dp> "));
    term.write("churn la");
    await waitFor(() => out.includes("churn la"));
    term.write("\x03");
    await waitFor(() => out.includes("^C"));
    await Bun.sleep(200);
    expect(p.exitCode).toBeNull();
    term.write("\x04");
    const code = await Promise.race([p.exited, Bun.sleep(10_000).then(() => "hung")]);
    expect(code).toBe(0);
    expect(out).toContain("churn la^C\r\n");
    expect(out).toMatch(/dp> (\x1b\[\d+G)?\r\n$/);
  });

  test("dp mcp answers a call written right before stdin closes", async () => {
    const messages = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "list_metrics", arguments: {} } },
    ];
    const r = await runDp(["mcp", "-C", dir], {
      stdin: `${messages.map((m) => JSON.stringify(m)).join("\n")}\n`,
      timeoutMs: 30_000,
    });
    expect(r.hung).toBe(false);
    const replies = lines(r.stdout).map((l) => JSON.parse(l));
    expect(replies.map((m) => m.id)).toEqual([1, 2]);
    expect(JSON.parse(replies[1].result.content[0].text).metrics.length).toBeGreaterThan(5);
  });
});

describe("a `dp test` before the first build", () => {
  test("leaves no false warning: after `dp run` and a passing `dp test`, ask shows every test passing", () => {
    const fresh = join(root, "fresh");
    expect(dp(["init", fresh, "--demo"]).code).toBe(0);
    expect(dp(["test", "-C", fresh]).code).toBe(1);
    expect(dp(["run", "-C", fresh]).code).toBe(0);
    expect(dp(["test", "-C", fresh]).code).toBe(0);
    const r = dp(["ask", "churn last month?", "--offline", "-C", fresh], { env: { ANTHROPIC_API_KEY: "" } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("failing");
    expect(r.stdout).not.toContain("not built");
    const [, passed, total] = /tests: (\d+)\/(\d+) passed/.exec(r.stdout)!;
    expect(passed).toBe(total);
  }, 180_000);
});

describe("dp on the PATH after the Quick start", () => {
  test("`bun run dp` typed inside a project folder of the checkout reads that project", async () => {
    const inner = join(repoRoot, ".dp-tmp", `probe-${process.pid}`);
    mkdirSync(join(inner, "sub"), { recursive: true });
    writeFileSync(join(inner, "project.yaml"), "name: probe\nsources:\n  probe_src: { connector: demo }\n");
    try {
      const r = await runCmd(["bun", "run", "dp", "sources", "--json"], { cwd: join(inner, "sub") });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).map((s: { source: string }) => s.source)).toEqual(["probe_src"]);
    } finally {
      rmSync(inner, { recursive: true, force: true });
    }
  });

  test("the README's `npm link` gives a `dp` command that runs in any folder", async () => {
    const prefix = tempDir("dp-npm-prefix-");
    const link = await runCmd(["npm", "link", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], {
      cwd: repoRoot,
      env: { npm_config_prefix: prefix },
      timeoutMs: 60_000,
    });
    expect(link.code).toBe(0);
    const r = await runCmd(["dp", "runs", "-n", "1"], {
      cwd: dir,
      env: { PATH: `${join(prefix, "bin")}:${process.env.PATH}` },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("success");
    rmSync(prefix, { recursive: true, force: true });
  }, 90_000);
});
