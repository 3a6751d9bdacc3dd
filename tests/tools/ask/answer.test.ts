import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { currentPointer, openWriter, publishSnapshot } from "../../../engine/warehouse/snapshots.ts";
import { askOffline } from "../../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../../tools/context.ts";
import { askIn, createFixture, FIXTURE_NOW, type Fixture } from "../fixture.ts";
import { dp } from "../../helpers.ts";

let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture();
});
afterAll(() => fx.cleanup());

const ask = (question: string, project = loadProject(fx.dir)) => askIn(project, question);

function cli(args: string[]) {
  return dp([...args, "-C", fx.dir], { env: { DP_NOW: FIXTURE_NOW, ANTHROPIC_API_KEY: "" } });
}

describe("answers with receipts", () => {
  test("churn last month: the number, its parts, a sparkline and the receipt", async () => {
    const r = await ask("churn last month?");
    expect(r.status).toBe("answered");
    const [readAs, head, spark] = r.answer.split("\n");
    // the reading comes first, in words: metric, period, and the filters (here none: all plans)
    expect(readAs).toBe("Read as: Customer churn in October 2026, all plans.");
    expect(r.interpretation).toMatchObject({
      metric: "churn_rate",
      kind: "ratio",
      period: { start: "2026-10-01", end: "2026-10-31", to_date: false },
      filters: [],
      grain: null,
      group_by: [],
    });
    expect(head).toMatch(
      /^Customer churn in October 2026 was \d+\.\d% \(\d+ of \d+ customers active at the start of the month\)\.$/,
    );
    expect(spark).toMatch(/^ {2}[▁▂▃▄▅▆▇█ ]{8} churn_rate, last 8 months \(Mar 2026 – Oct 2026\)$/);
    expect(r.receipt[0]).toBe(
      "source: marts.churn_monthly ← staging.stg_billing__subscriptions ← raw billing.subscriptions",
    );
    expect(r.receipt[1]).toMatch(
      /^data as of 2026-11-21 05:30 UTC \(billing: fresh\) · tests: 1\/1 passed · \$0\.000 · \d+\.\d s$/,
    );
    expect(r.cost_usd).toBe(0);
  });

  test("an unmappable question is refused with the known metrics, never guessed", async () => {
    const r = await ask("how is the weather?");
    expect(r.status).toBe("refused");
    expect(r.answer).toStartWith("I can't answer that from the marts");
    expect(r.answer).toContain("mrr, churn_rate");
    expect(r.tool_calls).toEqual([]);
  });

  // the planner runs while the snapshot opens: an open that fails still fails the ask before any refusal
  test.each([
    ["no pointer", "current.json"],
    ["a pointer whose file is gone (the catalog still from its cache)", ""],
  ])("with %s every ask fails and says to build, a question it would refuse too", async (_, name) => {
    const file = join(fx.project.paths.snapshots, name || currentPointer(fx.project)!.file);
    renameSync(file, `${file}.off`);
    try {
      for (const q of ["churn last month?", "how is the weather?"]) {
        const r = await ask(q);
        expect(r.status).toBe("failed");
        expect(r.error).toMatchObject({ code: "NOT_FOUND", message: "there is no built warehouse yet" });
        expect(r.tool_calls).toEqual([]);
      }
    } finally {
      renameSync(`${file}.off`, file);
    }
    expect((await ask("churn last month?")).status).toBe("answered");
  });
});

describe("quality gate", () => {
  test("a failing test on the mart's inputs leads the answer; ai.quality_gate: refuse refuses", async () => {
    const project = loadProject(fx.dir);
    const db = await openWriter(project);
    await db.run(
      "INSERT INTO _dp.test_results VALUES ('r2', 'stg_billing__subscriptions.not_null(plan)', 'stg_billing__subscriptions', 'not_null', 'plan', 'error', 'fail', 3, 'plan is never null: 3 failing rows', $1::TIMESTAMPTZ)",
      [FIXTURE_NOW],
    );
    await publishSnapshot(project, db, "r2");
    db.close();
    const warned = await ask("MRR last month");
    expect(warned.status).toBe("answered");
    expect(warned.answer.split("\n")[0]).toMatch(
      /^⚠ 1 data test failing on marts\.mrr_monthly or its inputs \(stg_billing__subscriptions\.not_null\(plan\): plan is never null: 3 failing rows\)$/,
    );
    expect(warned.answer.split("\n")[1]).toBe("Read as: MRR at the end of October 2026, all plans.");
    expect(warned.answer.split("\n")[2]).toMatch(/^MRR in October 2026 was \$/);
    expect(warned.tests.failing.map((t) => t.id)).toEqual(["stg_billing__subscriptions.not_null(plan)"]);

    project.config.ai.quality_gate = "refuse";
    const refused = await ask("MRR last month", project);
    expect(refused.status).toBe("refused");
    expect(refused.answer).toStartWith("I won't answer from data that failed its checks");
    expect(refused.answer).not.toContain("was $");

    // a later passing result clears it
    const again = await openWriter(project);
    await again.run(
      "INSERT INTO _dp.test_results VALUES ('r3', 'stg_billing__subscriptions.not_null(plan)', 'stg_billing__subscriptions', 'not_null', 'plan', 'error', 'pass', 0, 'ok', $1::TIMESTAMPTZ)",
      [FIXTURE_NOW],
    );
    await publishSnapshot(project, again, "r3");
    again.close();
    expect((await ask("MRR last month")).warnings).toEqual([]);
  });

  test("a source past its error SLA is said first", async () => {
    const stale = await createFixture({ lastPull: "2026-11-18T06:00:00.000Z" });
    try {
      const ctx = createToolContext(stale.project);
      const r = await askOffline(ctx, "new customers last month");
      ctx.close();
      expect(r.answer.split("\n")[0]).toBe(
        "⚠ source billing is past its freshness SLA (last pull 2026-11-18T06:00:00.000Z, error after 24h)",
      );
      expect(r.receipt.at(-1)).toContain("(billing: error)");
    } finally {
      stale.cleanup();
    }
  });
});

describe("dp ask (CLI)", () => {
  test("--json shape; exit 0 answered and refused; no question opens the REPL, which ends with its input", () => {
    const ok = cli(["ask", "churn last month?", "--json"]);
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining([
        "status",
        "answer",
        "tool_calls",
        "citations",
        "as_of",
        "tests",
        "receipt",
        "latency_ms",
        "cost_usd",
        "interpretation",
      ]),
    );
    expect(j.status).toBe("answered");
    expect(j.interpretation).toMatchObject({
      metric: "churn_rate",
      period: { text: "October 2026", start: "2026-10-01", end: "2026-10-31" },
      filters: [],
      grain: null,
      group_by: [],
      read_as: "Customer churn in October 2026, all plans",
    });
    expect(Array.isArray(j.interpretation.why)).toBe(true);
    expect(j.tool_calls[0]).toMatchObject({
      name: "query_metric",
      role: "main",
      input: { metric: "churn_rate", period: "last_month" },
    });
    expect(typeof j.tool_calls[0].summary).toBe("string");
    expect(j.citations[0].model).toBe("marts.churn_monthly");
    expect(j.as_of).toBe("2026-11-21T05:30:00.000Z");
    expect(j.tests).toMatchObject({ passed: expect.any(Number), total: expect.any(Number), failing: [] });

    const refused = cli(["ask", "what's the weather?", "--json"]);
    expect(refused.code).toBe(0);
    expect(JSON.parse(refused.stdout).status).toBe("refused");

    const text = cli(["ask", "top 3 customers by mrr"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Top 3 customers by mrr:");
    expect(text.stdout).toContain("source: marts.customers");

    const repl = cli(["ask"]);
    expect(repl.code).toBe(0);
    expect(repl.stdout).toContain("offline planner");
  });
});

describe("a ranking of periods (trust5)", () => {
  test("which month had the fewest new customers: the month in full, its value, and the month to date left out", async () => {
    const r = await ask("which month this year had the fewest new customers");
    expect(r.status).toBe("answered");
    const ctx = createToolContext(loadProject(fx.dir));
    let rows: { m: string; v: number }[] = [];
    try {
      rows = await ctx.query<{ m: string; v: number }>(
        "select strftime(month, '%B %Y') as m, sum(new_customers)::double as v from marts.churn_monthly where month >= date '2026-01-01' and month < date '2026-11-01' group by month order by v asc, month limit 2",
        [],
      );
    } finally {
      ctx.close();
    }
    const head = r.answer.split("\n")[1]!;
    const [a, b] = rows;
    if (b && a!.v === b.v) expect(head).toContain("tie for the least new customers in 2026 (to date)");
    else {
      expect(head).toBe(`${a!.m} has the least new customers in 2026 (to date): ${a!.v}.`);
      expect(r.answer).toContain("(November 2026, still running, left out)");
    }
  });
});

describe("a share of a total (trust6)", () => {
  test("a share of a total: the part, the whole and the % of one metric over one period", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    let rows: { plan: string; part: number; whole: number }[] = [];
    try {
      rows = await ctx.query<{ plan: string; part: number; whole: number }>(
        "select plan, sum(mrr) as part, sum(sum(mrr)) over () as whole from marts.mrr_monthly where month = date '2026-10-01' group by plan order by plan limit 1",
        [],
      );
    } finally {
      ctx.close();
    }
    const { plan, part, whole } = rows[0]!;
    const r = await ask(`what % of mrr was from the ${plan.toLowerCase()} plan last month`);
    expect(r.status).toBe("answered");
    const pct = `${Number(((100 * part) / whole).toPrecision(3))}%`;
    expect(r.answer).toContain("as a share of all MRR, the end of October 2026");
    expect(r.answer).toContain(`was ${pct} of all MRR in October 2026`);
  });
});

describe("a period the data does not reach", () => {
  // (tune33, #15 batch 33: a period wholly before the data was answered with a no-data sentence, which `dp eval` scored
  // as answered_refusable; it is now a refusal of the planner's shape, naming where the data starts and the nearest
  // period it can answer)
  test("before the first row: refused as no data, naming where the data starts and the nearest period", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    const [first] = await ctx
      .query<{ m: string }>("SELECT strftime(min(month), '%B %Y') AS m FROM marts.churn_monthly", [])
      .finally(() => ctx.close());
    const r = await ask("churn in March 2019?");
    expect(r.status).toBe("refused");
    expect(r.answer.split("\n")[0]).toBe(
      `I can't answer that from the marts: no data before ${first!.m}: Customer churn in March 2019 is before the first row of marts.churn_monthly.`,
    );
    expect(r.suggestions).toEqual([`Customer churn in ${first!.m}`]);
    expect(r.answer).not.toMatch(/\bwas\b/);
  });

  test.each([
    ["MRR at the start of 2019", "MRR at the end of December 2018"],
    ["how many new customers in Q2 2019", "New customers in Q2 2019"],
    ["paying customers in 2018", "Active customers at the end of 2018"],
  ])("%p: refused as no data before the first month (%s)", async (q, said) => {
    const r = await ask(q);
    expect(r.status).toBe("refused");
    expect(r.answer).toMatch(/^I can't answer that from the marts: no data before [A-Z][a-z]+ \d{4}: /);
    expect(r.answer).toContain(said);
    expect(r.suggestions?.length).toBe(1);
  });

  test("a period that only partly overlaps the data is answered, saying where the data starts", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    const [first] = await ctx
      .query<{ m: string; y: number }>(
        "SELECT strftime(min(month), '%B %Y') AS m, year(min(month)) AS y FROM marts.churn_monthly",
        [],
      )
      .finally(() => ctx.close());
    expect(first!.m.startsWith("January")).toBe(false);
    const r = await ask(`churned customers in ${first!.y}?`);
    expect(r.status).toBe("answered");
    expect(r.answer).toContain(`the data starts in ${first!.m}`);
  });

  test("a rate over a year that starts before the first customer says why it has no value, not 'n/a' or '0.0% (0 of 0 …)'", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    const [first] = await ctx
      .query<{ y: number }>("SELECT year(min(month)) AS y FROM marts.churn_monthly", [])
      .finally(() => ctx.close());
    const r = await ask(`customer churn rate in ${first!.y}`);
    expect(r.status).toBe("answered");
    expect(r.answer).toContain(`churn in ${first!.y} has no value: customers active at the start of the month was 0`);
    expect(r.answer).not.toMatch(/n\/a|0\.0%/);
  });

  test("a month that has not started is not 'to date', and is not answered", async () => {
    const r = await ask("churn in March 2027?");
    expect(r.status).toBe("refused");
    expect(r.answer).toContain("March 2027 (it has not started yet)");
    expect(r.answer).not.toContain("to date");
  });
});

describe("a top-N of a dimension (trust7)", () => {
  test("top 2 plans by mrr: two rows, numbered, in order, never 'Top 1'", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    let rows: { plan: string; v: number }[] = [];
    try {
      rows = await ctx.query<{ plan: string; v: number }>(
        "select plan, sum(mrr)::double as v from marts.mrr_monthly where month = date '2026-10-01' group by plan order by v desc limit 2",
        [],
      );
    } finally {
      ctx.close();
    }
    const r = await ask("top 2 plans by mrr last month");
    expect(r.status).toBe("answered");
    const lines = r.answer.split("\n");
    expect(lines[0]).toContain("the 2 plans with the most");
    expect(lines[1]).toBe("Top 2 plans by MRR in October 2026:");
    expect(lines[2]).toStartWith(`  1. ${rows[0]!.plan}  `);
    expect(lines[3]).toStartWith(`  2. ${rows[1]!.plan}  `);
    expect(r.answer).not.toContain("Top 1");
  });
});

describe("an average per bucket (trust7)", () => {
  test("average new customers per month this year: the mean of the whole months, the month to date left out", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    let rows: { avg: number; n: number }[] = [];
    try {
      rows = await ctx.query<{ avg: number; n: number }>(
        "select avg(v)::double as avg, count(*)::int as n from (select sum(new_customers) as v from marts.churn_monthly where month >= date '2026-01-01' and month < date '2026-11-01' group by month)",
        [],
      );
    } finally {
      ctx.close();
    }
    const r = await ask("average new customers per month this year");
    expect(r.status).toBe("answered");
    const head = r.answer.split("\n")[1]!;
    expect(head).toStartWith(
      `New customers averaged ${Number(rows[0]!.avg.toFixed(1))} per month over ${rows[0]!.n} months`,
    );
    expect(head).toContain("(November 2026, still running, left out)");
  });
});

describe("a level's growth in one period vs another (trust10)", () => {
  test("did mrr grow more in q3 than in q2 (no 'mrr growth' metric here): the change over each quarter, both stated", async () => {
    const ctx = createToolContext(loadProject(fx.dir));
    let ends: { month: string; mrr: number }[] = [];
    try {
      ends = await ctx.query<{ month: string; mrr: number }>(
        "select strftime(month, '%Y-%m') as month, sum(mrr)::double as mrr from marts.mrr_monthly where month in (date '2026-03-01', date '2026-06-01', date '2026-09-01') group by month order by month",
        [],
      );
    } finally {
      ctx.close();
    }
    const [q1, q2, q3] = ends.map((e) => e.mrr);
    const r = await ask("hey dp, did MRR grow more in Q3 than in Q2? for the board deck 🙏");
    expect(r.status).toBe("answered");
    const [readAs, head] = r.answer.split("\n");
    expect(readAs).toBe("Read as: MRR: its change over Q3 2026 vs its change over Q2 2026.");
    const money = (v: number) => `$${Math.round(Math.abs(v)).toLocaleString("en-US")}`;
    expect(head).toStartWith(`MRR grew ${q3! - q2! > q2! - q1! ? "more" : "less"} in Q3 2026 than in Q2 2026: `);
    expect(head).toContain(`${money(q3! - q2!)}`);
    expect(head).toContain(`${money(q2! - q1!)}`);
    expect(head).toContain(`${money(q2!)} at the end of Q2 2026 to ${money(q3!)} at the end of Q3 2026`);
  });
});
