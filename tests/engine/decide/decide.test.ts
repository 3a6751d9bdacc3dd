import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import type { Decider, DecisionServices } from "../../../engine/decide/decider.ts";
import { reviewDecision } from "../../../engine/decide/review.ts";
import { runPipeline } from "../../../engine/orchestrate/pipeline.ts";
import { openWriter } from "../../../engine/warehouse/snapshots.ts";
import { offlineDecider } from "../../../tools/decide/offline-decider.ts";
import { toolActs } from "../../../tools/decide/services.ts";
import { snapshotRows } from "../../helpers.ts";
import {
  ACCOUNTS_CSV,
  CHURN_YML,
  decisionProject,
  EXPECTED_OFFLINE,
  MARTS_YML,
  writeAccounts,
} from "./decision-project.ts";

process.env.DP_NOW = "2026-11-21T06:00:00Z";

const services = (dir: string, decider: Decider = offlineDecider): DecisionServices => ({
  decider,
  acts: toolActs(loadProject(dir)),
});
const run = (dir: string, decider?: Decider) =>
  runPipeline(loadProject(dir), { decisions: services(dir, decider), alerts: false });
const outbox = (dir: string) =>
  existsSync(join(dir, "outbox/churn.jsonl"))
    ? readFileSync(join(dir, "outbox/churn.jsonl"), "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
const mart = async (dir: string): Promise<Record<string, Record<string, any>>> =>
  Object.fromEntries(
    (await snapshotRows(dir, "SELECT * FROM marts.churn ORDER BY account_id")).map((r) => [r.account_id, r]),
  );

describe("the decision step inside dp run", () => {
  test("the offline rules decide every covered row; the authority map turns each answer into a status", async () => {
    const dir = decisionProject();
    const r = await run(dir);
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => s.step)).toEqual(["pull", "build", "test", "decide"]);
    const rows = await mart(dir);
    expect(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, { label: v.label, status: v.status }]))).toEqual(
      EXPECTED_OFFLINE,
    );
    // autonomous and sure: acted, once each, with the pii column masked in what left
    const sent = outbox(dir);
    expect(sent.map((m) => m.text.split(":")[0]).sort()).toEqual(["HIGH churn risk", "HIGH churn risk"]);
    expect(sent.map((m) => m.id).sort()).toEqual([rows.acc_03.decision_id, rows.acc_06.decision_id].sort());
    expect(sent.every((m) => !m.text.includes("Fabrikam") && m.text.includes("***"))).toBe(true);
    // human_required is never acted on, even when sure
    expect(rows.acc_02.act_status).toBeNull();
    expect(r.decisions[0]).toMatchObject({ rows: 11, decided: 11, acted: 2, queued: 4, needsHuman: 1, costUsd: 0 });
  });

  test("a failing test upstream stops the decision and says so; the previous decisions stay", async () => {
    const dir = decisionProject();
    expect((await run(dir)).ok).toBe(true);
    const before = await mart(dir);
    writeAccounts(dir, `${ACCOUNTS_CSV.split("\n")[0]}\nacc_01,Northwind Traders,pro,-490,active,212,205,0,0\n`);
    const r = await run(dir);
    expect(r.ok).toBe(false);
    const step = r.steps.find((s) => s.step === "decide")!;
    expect(step.status).toBe("skipped");
    expect(step.detail).toContain("churn not run: its input marts.account_signals failed to build or failed its tests");
    expect(await mart(dir)).toEqual(before);
  });

  test("a row decided and acted on is not acted on again when it changes but keeps its label; an act never repeats after a crash", async () => {
    const dir = decisionProject();
    await run(dir);
    expect(outbox(dir).length).toBe(2);
    // acc_06 changes but stays high; acc_07 becomes high
    writeAccounts(
      dir,
      `${ACCOUNTS_CSV.split("\n")[0]}\nacc_06,Adventure Works Cycles,growth,199,active,0,12,0,4\nacc_07,Litware Inc,starter,49,active,0,28,0,0\n`,
    );
    const r = await run(dir);
    expect(r.decisions[0]).toMatchObject({ decided: 2, unchanged: 9, acted: 1 });
    const rows = await mart(dir);
    expect(rows.acc_06).toMatchObject({ label: "high", status: "decided" });
    expect(rows.acc_06.note).toContain('its act already ran for "high"');
    expect(outbox(dir).map((m) => m.id)).toContain(rows.acc_07.decision_id);
    expect(outbox(dir).length).toBe(3);

    // a run killed mid-act left one act "running" (it may have happened) and one "pending" (it did not start)
    const db = await openWriter(loadProject(dir));
    await db.run("UPDATE _dp.decisions SET act_status = 'running' WHERE decision_id = $1", [rows.acc_07.decision_id]);
    await db.run("UPDATE _dp.decisions SET act_status = 'pending' WHERE decision_id = $1", [rows.acc_03.decision_id]);
    db.close();
    await run(dir);
    const ids = outbox(dir).map((m) => m.id);
    expect(ids.filter((id) => id === rows.acc_03.decision_id).length).toBe(2);
    expect(ids.filter((id) => id === rows.acc_07.decision_id).length).toBe(1);
  });

  test("a run's acts share one tool context; a failing act is recorded failed and the acts after it still run", async () => {
    const dir = decisionProject();
    const tools = toolActs(loadProject(dir));
    const ran: string[] = [];
    let together = 0;
    let inside = false;
    const acts: DecisionServices["acts"] = {
      actTools: tools.actTools,
      async run(act, approval) {
        ran.push(`${approval.decision_id}${inside ? "" : " outside"}`);
        if (ran.length === 1) return { ok: false, error: "the webhook said 500" };
        return tools.run(act, approval);
      },
      async together(fn) {
        together++;
        inside = true;
        try {
          return await tools.together!(fn);
        } finally {
          inside = false;
        }
      },
    };
    const r = await runPipeline(loadProject(dir), { decisions: { decider: offlineDecider, acts }, alerts: false });
    expect(r.ok).toBe(true);
    expect(together).toBe(1);
    const rows = await mart(dir);
    const [first, second] = [rows.acc_03, rows.acc_06].sort((a, b) => (a.decision_id < b.decision_id ? -1 : 1));
    expect(ran).toEqual([first!.decision_id, second!.decision_id]);
    expect(first).toMatchObject({
      status: "act_failed",
      act_status: "failed",
      note: "act failed: the webhook said 500",
    });
    expect(second).toMatchObject({ status: "acted", act_status: "ok" });
    expect(outbox(dir).map((m) => m.id)).toEqual([second!.decision_id]);
    expect(r.decisions[0]).toMatchObject({ acted: 1, actFailed: 1 });
  });

  test("approving a waiting row runs its act exactly once; a second approval and a reject of a decided row are refused", async () => {
    const dir = decisionProject();
    await run(dir);
    const project = loadProject(dir);
    const acts = toolActs(project);
    const rows = await mart(dir);
    const out = await reviewDecision(project, acts, { id: "acc_09", verdict: "approved", by: "maria@example.io" });
    expect(out).toMatchObject({
      decision: "churn",
      key: "acc_09",
      label: "high",
      verdict: "approved",
      by: "maria@example.io",
    });
    expect(out.act?.status).toBe("ok");
    expect(outbox(dir).filter((m) => m.id === rows.acc_09.decision_id).length).toBe(1);
    await expect(reviewDecision(project, acts, { id: rows.acc_09.decision_id, verdict: "approved" })).rejects.toThrow(
      /already approved by maria@example.io/,
    );
    await expect(reviewDecision(project, acts, { id: "acc_01", verdict: "rejected" })).rejects.toThrow(
      /decided autonomously/,
    );
    // a medium (recommend, no act) and the human_required row: a verdict, no act
    expect(
      (await reviewDecision(project, acts, { id: "acc_04", verdict: "rejected", note: "renewed yesterday" })).act,
    ).toBeNull();
    expect((await reviewDecision(project, acts, { id: "acc_02", verdict: "approved" })).act).toBeNull();
    expect(outbox(dir).length).toBe(3);
    const after = await mart(dir);
    expect([after.acc_09.status, after.acc_04.status, after.acc_02.status]).toEqual([
      "approved",
      "rejected",
      "approved",
    ]);
    // the verdicts survive the next run's rebuild of the mart
    await run(dir);
    expect((await mart(dir)).acc_04).toMatchObject({ status: "rejected", reviewed_by: expect.any(String) });
    const audit = readFileSync(join(dir, ".dp/audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const reviews = audit.filter((a) => a.action === "review");
    expect(reviews.map((a) => `${a.key}:${a.verdict}`)).toEqual([
      "acc_09:approved",
      "acc_04:rejected",
      "acc_02:approved",
    ]);
    expect(audit.filter((a) => a.action === "send" && a.actor === "review").length).toBe(1);
  });

  test("any Decider plugs in: a third one decides, the engine, the models and the mart's shape stay as they are", async () => {
    const dir = decisionProject();
    const calls: string[] = [];
    const cautious: Decider = {
      name: "cautious",
      fingerprint: () => "cautious-v1",
      maxCostUsd: () => 0.02,
      async decide(req) {
        calls.push(req.key);
        return {
          ok: true,
          label: "medium",
          confidence: 0.5,
          reason: "Not sure.",
          model: "cautious-1",
          usage: { input_tokens: 10, output_tokens: 2 },
          costUsd: 0.01,
          attempts: 1,
        };
      },
    };
    writeFileSync(
      join(dir, "decisions/churn.yml"),
      CHURN_YML.replace("budget: { usd: 1, rows: 100 }", "budget: { usd: 0.05, rows: 100 }"),
    );
    const r = await run(dir, cautious);
    // $0.02 reserved per call, $0.01 spent: the fourth would pass $0.05 at its worst, so it waits for the next run
    expect(calls.length).toBe(4);
    expect(r.decisions[0]).toMatchObject({ decided: 4, pending: 7, stoppedBy: "budget_usd", provider: "cautious" });
    expect(r.decisions[0]!.costUsd).toBeCloseTo(0.04, 9);
    const rows = Object.values(await mart(dir));
    expect(
      rows.filter((x) => x.provider === "cautious").every((x) => x.status === "queued" && x.model === "cautious-1"),
    ).toBe(true);
    expect(rows.filter((x) => x.status === "pending").length).toBe(7);
  });
});

describe("dp run --due", () => {
  test("an edited decision file is reason enough to build and decide again; an unedited one is idle", async () => {
    const dir = decisionProject();
    const due = () => runPipeline(loadProject(dir), { decisions: services(dir), alerts: false, due: true });
    expect((await due()).decisions[0]).toMatchObject({ decided: 11 });
    const idle = await due();
    expect(idle.status).toBe("idle");
    expect(idle.decisions).toEqual([]);
    writeFileSync(join(dir, "decisions/churn.yml"), CHURN_YML.replace("confidence: 0.55", "confidence: 0.75"));
    const again = await due();
    expect(again.steps.find((s) => s.step === "build")?.status).toBe("ok");
    // the rules changed, so the offline decider's prompt did: every row is decided again; acc_09 now acts
    expect(again.decisions[0]).toMatchObject({ decided: 11, unchanged: 0 });
    expect((await mart(dir)).acc_09).toMatchObject({ label: "high", status: "acted" });
  });
});

describe("decision files", () => {
  test("the input must be a mart and its columns must exist; errors name the file, line and key", async () => {
    const dir = decisionProject({ "decisions/churn.yml": CHURN_YML.replace("context: context", "context: contxt") });
    const r = await run(dir);
    const d = r.decisions[0]!;
    expect(d.status).toBe("failed");
    expect(d.detail).toContain('marts.account_signals has no column "contxt"');
    expect(d.where).toMatch(/^decisions\/churn\.yml:5$/);
    expect(d.fix).toContain("context");
  });

  test("a context column tagged pii is refused: the model would read it", async () => {
    const dir = decisionProject({
      "models/marts/marts.yml": MARTS_YML.replace(
        "      - { name: mrr, tests: [not_null] }",
        "      - { name: mrr, tests: [not_null] }\n      - { name: context, pii: true }",
      ),
    });
    const r = await run(dir);
    expect(r.decisions[0]!.detail).toContain("is tagged pii");
  });
});
