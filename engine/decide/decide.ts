import { loadCatalog } from "../catalog/catalog.ts";
import type { Project } from "../config/project.ts";
import { asDpError } from "../errors.ts";
import { log } from "../log.ts";
import { type DecisionDef, loadDecisions } from "../transform/decision-file.ts";
import type { Db } from "../warehouse/duckdb.ts";
import { openWriter } from "../warehouse/snapshots.ts";
import type { DecisionServices } from "./decider.ts";
import { type DecisionRun, emptyRun } from "./decision-run.ts";
import { DecisionStep } from "./decision-step.ts";
import { ensureLedger } from "./ledger.ts";

export type { DecisionRun } from "./decision-run.ts";

export interface DecideOptions {
  runId: string;
  services?: DecisionServices;
  /** this run's build, model → status and why: the gate reads it */
  built?: Map<string, { status: string; error?: string }>;
  signal?: AbortSignal;
  /**
   * The writer to decide on, still open (the build's, before its publish): the decisions' writes go out
   * in the caller's publish, and the step publishes nothing itself. Without it the step opens the
   * writer and publishes its marts.
   */
  db?: Db;
}

/**
 * The decision step of `dp run`: each decision in decisions/ over its input mart, but only on a mart
 * this run built with every test passing (or, when the run did not select it, whose last build did).
 */
export async function runDecisions(project: Project, options: DecideOptions): Promise<DecisionRun[]> {
  const decisions = loadDecisions(project);
  if (!decisions.length) return [];
  const catalog = loadCatalog(project);
  const db = options.db ?? (await openWriter(project));
  try {
    await ensureLedger(db);
    const runs: DecisionRun[] = [];
    for (const d of decisions) {
      const t0 = Date.now();
      const blocked = options.services ? await gate(db, d, options.built) : "no decider was given";
      if (blocked) {
        log.warn(`decision ${d.name} not run: ${blocked}`, { step: "decide" });
        runs.push(emptyRun(d.name, "skipped", `${d.name} not run: ${blocked}; its previous decisions stay`));
        continue;
      }
      try {
        const step = { runId: options.runId, signal: options.signal, publish: !options.db };
        runs.push(await new DecisionStep(project, db, d, catalog, step, options.services!).run());
      } catch (e) {
        const err = asDpError(e);
        log.error(`decision ${d.name} failed: ${err.message}`, { step: "decide" });
        const failed = emptyRun(d.name, "failed", `${d.name} failed: ${err.message}`);
        runs.push({ ...failed, where: err.where, fix: err.fix, durationMs: Date.now() - t0 });
      }
    }
    return runs;
  } finally {
    if (!options.db) db.close();
  }
}

/** Why a decision must not run now, or undefined: never on stale or failing data. */
async function gate(db: Db, d: DecisionDef, built: DecideOptions["built"]): Promise<string | undefined> {
  const here = built?.get(d.input);
  if (here) {
    if (here.status === "success" || here.status === "unchanged") return undefined;
    return here.status === "failed"
      ? `its input marts.${d.input} failed to build or failed its tests${here.error ? ` (${here.error})` : ""}`
      : `its input marts.${d.input} was not rebuilt${here.error ? ` (${here.error})` : ""}`;
  }
  const last = await db.one<{ status: string }>(
    "SELECT status FROM _dp.model_runs WHERE model = $1 ORDER BY rowid DESC LIMIT 1",
    [d.input],
  );
  if (!last) return `its input marts.${d.input} has never been built`;
  return last.status === "success" ? undefined : `the last build of its input marts.${d.input} was ${last.status}`;
}
