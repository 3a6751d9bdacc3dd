import { now } from "../clock.ts";
import { build } from "../transform/build.ts";
import type { ModelResult } from "../transform/build-run.ts";
import type { Db } from "../warehouse/duckdb.ts";
import { alertsForRun, deliverAlerts } from "./alerts.ts";
import type { DuePlan, ExportRun, RunResult, RunStep, StepName } from "./run-result.ts";
import { asDpError } from "../errors.ts";
import { exportMart } from "../deliver/export.ts";
import { sourceFreshness } from "../ingest/freshness.ts";
import { newRunId } from "../ingest/lake-writer.ts";
import { formatCount } from "../format-count.ts";
import { log } from "../log.ts";
import type { Project } from "../config/project.ts";
import { checkSources, pull } from "../ingest/pull.ts";
import { exportKey, modelsFingerprint, readRunState, writeRunState, type RunState } from "./due-state.ts";
import { DEFAULT_SCHEDULE, isDue, parseSchedule } from "./schedule.ts";
import { StateStore } from "../ingest/cursor-state.ts";
import { catalogSidecar } from "../catalog/catalog-cache.ts";
import { loadDecisions } from "../transform/decision-file.ts";
import { checkModelStreams, projectOptionalReads } from "../transform/source-streams.ts";
import { runDecisions } from "../decide/decide.ts";
import type { DecisionServices } from "../decide/decider.ts";

export interface RunOptions {
  sources?: string[];
  select?: string;
  exclude?: string;
  signal?: AbortSignal;
  /** only what the schedules say is due (what cron calls) */
  due?: boolean;
  /** run the project's exports (default true) */
  exports?: boolean;
  /** send alerts (default true) */
  alerts?: boolean;
  /** the id the run history knows this run by (withRunLock's) */
  runId?: string;
  /** who decides and how acts run, from the layer above (tools/); without it the decision step is skipped */
  decisions?: DecisionServices;
}

/** Which sources and exports are due at `at`, by last success; missed slots collapse into one run. */
export function planDue(project: Project, at: Date = now()): DuePlan {
  const store = new StateStore(project.paths.state);
  const runState = readRunState(project);
  const sources = Object.entries(project.config.sources).map(([name, src]) => {
    const schedule = parseSchedule(
      src.schedule ?? DEFAULT_SCHEDULE,
      `${project.locate(["sources", name, "schedule"])} (sources.${name}.schedule)`,
    );
    const d = isDue(schedule, store.read(name).last_success_at, at);
    return {
      source: name,
      due: d.due,
      reason: `${d.reason}${src.schedule ? "" : ` (default schedule ${DEFAULT_SCHEDULE})`}`,
    };
  });
  const exports = project.config.exports.map((x, i) => {
    if (!x.schedule)
      return { mart: x.mart, to: x.to, scheduled: false, due: false, reason: "after a build of its mart" };
    const schedule = parseSchedule(
      x.schedule,
      `${project.locate(["exports", i, "schedule"])} (exports[${i}].schedule)`,
    );
    const d = isDue(schedule, runState.exports[exportKey(x.mart, x.to)]?.last_success_at, at);
    return { mart: x.mart, to: x.to, scheduled: true, due: d.due, reason: d.reason };
  });
  return { sources, exports };
}

/** pull → build (tests guard every publish) → exports → alerts; the caller holds the lock. */
export async function runPipeline(project: Project, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  const signal = options.signal;
  const steps: RunStep[] = [];
  const state = readRunState(project);
  const plan = options.due ? planDue(project, startedAt) : undefined;
  const result: RunResult = {
    runId,
    ok: true,
    status: "success",
    steps,
    pull: [],
    decisions: [],
    exports: [],
    freshness: [],
    errors: [],
    plan,
    durationMs: 0,
  };

  // a decision file that does not validate stops the run before it pulls anything (exit 2)
  const hasDecisions = loadDecisions(project).length > 0;

  const sources = plan
    ? plan.sources.filter((s) => s.due).map((s) => s.source)
    : (options.sources ?? Object.keys(project.config.sources));
  // a config problem (unknown connector, bad config, unset ${VAR}, inline secret) is exit 2 before any step:
  // never a failed pull followed by a build of stale data
  await checkSources(project, sources.length ? sources : undefined);
  // so is a stream a model needs that its source does not pull (the build would stop on it after the pull)
  if (!options.select && !options.exclude) await checkModelStreams(project);
  if (sources.length) {
    const t0 = Date.now();
    log.info(`run ${runId}: pulling ${sources.join(", ")}`, { run_id: runId, step: "pull" });
    try {
      result.pull = await pull(project, { sources, runId, signal, optional: projectOptionalReads(project) });
    } catch (e) {
      result.errors.push(stepError("pull", e));
    }
    const failed = result.pull.filter((p) => p.status === "failed");
    const rows = result.pull.reduce((n, p) => n + p.rows, 0);
    const denied = result.pull.flatMap((p) =>
      p.streams.filter((st) => st.denied).map((st) => `${p.source}.${st.stream}`),
    );
    steps.push({
      step: "pull",
      status: failed.length || result.errors.length ? "failed" : "ok",
      durationMs: Date.now() - t0,
      rows,
      detail: `${formatCount(rows)} rows from ${result.pull.length} sources${denied.length ? `; skipped (no access): ${denied.join(", ")}` : ""}${failed.length ? `; failed: ${failed.map((p) => `${p.source}${p.error ? ` (${p.error.message.split("\n")[0]})` : ""}`).join(", ")}` : ""}`,
    });
    if (rows > 0 && !state.build_pending) {
      state.build_pending = true;
      writeRunState(project, state);
    }
  } else if (plan) steps.push({ step: "pull", status: "skipped", durationMs: 0, detail: "no source is due" });

  const fingerprint = modelsFingerprint(project);
  let decideStep: RunStep | undefined;
  const buildReason = !plan
    ? "requested"
    : state.build_pending
      ? "new data"
      : state.models_fingerprint !== fingerprint
        ? "models changed"
        : undefined;
  if (signal?.aborted) {
    // nothing more: the cursors and build_pending make the next run resume
  } else if (buildReason) {
    const t1 = Date.now();
    log.info(`run ${runId}: building (${buildReason})`, { run_id: runId, step: "build" });
    try {
      result.build = await build(project, {
        select: options.select,
        exclude: options.exclude,
        runId,
        signal,
        sidecar: catalogSidecar(project),
        // an optional stream the pull skipped (the credentials may not read it) was said once, with the fix
        reported: new Set(
          result.pull.flatMap((p) => p.streams.filter((st) => st.denied).map((st) => `${p.source}.${st.stream}`)),
        ),
        // the decisions decide on the build's writer before it publishes: one publish (and checkpoint) per run
        beforePublish: hasDecisions
          ? async (db, models) => {
              if (signal?.aborted) return;
              decideStep = await runDecisionStep(project, result, options, models, db);
            }
          : undefined,
      });
    } catch (e) {
      result.errors.push(stepError("build", e));
      steps.push({
        step: "build",
        status: "failed",
        durationMs: Date.now() - t1,
        detail: result.errors.at(-1)!.message,
      });
    }
  }
  if (result.build) {
    const built = result.build;
    const bad = built.models.filter((m) => m.status !== "success" && m.status !== "unchanged");
    const kept = built.models.filter((m) => m.status === "unchanged").length;
    steps.push({
      step: "build",
      status: bad.some((m) => m.status === "failed") ? "failed" : "ok",
      // the decide step ran inside the build, before its publish: its time is its own step's
      durationMs: built.durationMs - (decideStep?.durationMs ?? 0),
      rows: built.models.reduce((n, m) => n + (m.rows ?? 0), 0),
      detail: `${built.models.length - bad.length}/${built.models.length} models${kept ? ` (${built.models.length - bad.length - kept} built, ${kept} skipped: unchanged)` : ""}${bad.length ? `; not published: ${bad.map((m) => m.model).join(", ")}` : ""}${raisedNote(built.models)}`,
    });
    const tests = built.models.flatMap((m) => m.tests);
    const failedTests = tests.filter((t) => t.status === "fail" || t.status === "error");
    steps.push({
      step: "test",
      status: failedTests.length ? "failed" : "ok",
      durationMs: 0,
      detail: `${formatCount(tests.length - failedTests.length)}/${formatCount(tests.length)} tests passed`,
    });
    if (!signal?.aborted) {
      state.build_pending = false;
      state.models_fingerprint = fingerprint;
      writeRunState(project, state);
    }
  } else if (!buildReason)
    steps.push({
      step: "build",
      status: "skipped",
      durationMs: 0,
      detail: "nothing new was pulled and no model changed",
    });

  if (decideStep) steps.push(decideStep);
  else if (hasDecisions && !signal?.aborted) {
    // the build published nothing (nothing selected, or it stopped): the decisions open the writer and publish
    steps.push(
      result.build
        ? await runDecisionStep(project, result, options, result.build.models)
        : { step: "decide", status: "skipped", durationMs: 0, detail: "nothing was built" },
    );
  }

  if (!signal?.aborted && options.exports !== false) await runExports(project, result, state, options);

  result.freshness = sourceFreshness(project);
  const idle = !!plan && steps.every((s) => s.status === "skipped");
  if (signal?.aborted) result.status = "interrupted";
  else if (idle) result.status = "idle";
  else if (steps.some((s) => s.status === "failed")) result.status = "failed";
  result.ok = result.status === "success" || result.status === "idle";

  if (!signal?.aborted && options.alerts !== false && project.config.alerts) {
    const t3 = Date.now();
    const { events, evaluated } = alertsForRun(project, result);
    result.alerts = await deliverAlerts(project, events, evaluated, runId);
    const a = result.alerts;
    steps.push({
      step: "alert",
      status: a.failed.length ? "failed" : "ok",
      durationMs: Date.now() - t3,
      detail: `${a.sent.length} sent, ${a.recovered.length} recovered, ${a.deduped.length} deduplicated${a.failed.length ? `, ${a.failed.length} undeliverable (logged)` : ""}`,
    });
    // a failing alert channel never fails the run
    if (a.failed.length) steps[steps.length - 1]!.status = "skipped";
  }
  result.durationMs = Date.now() - started;
  log.info(`run ${runId} ${result.status} in ${result.durationMs} ms`, {
    run_id: runId,
    status: result.status,
    duration_ms: result.durationMs,
  });
  return result;
}

function stepError(step: StepName, e: unknown): RunResult["errors"][number] {
  const err = asDpError(e);
  log.error(`${step} failed: ${err.message}`, { step });
  return { step, message: err.message, where: err.where, fix: err.fix };
}

/**
 * After the build: each decision on its input mart, only if this run built it with every test passing.
 * With `db` (the build's writer, before its publish) the decisions go out in the build's publish.
 */
async function runDecisionStep(
  project: Project,
  result: RunResult,
  options: RunOptions,
  models: ModelResult[],
  db?: Db,
): Promise<RunStep> {
  const t = Date.now();
  const built = new Map(models.map((m) => [m.model, { status: m.status, error: m.error }]));
  try {
    result.decisions = await runDecisions(project, {
      runId: result.runId,
      services: options.decisions,
      built,
      signal: options.signal,
      db,
    });
  } catch (e) {
    result.errors.push(stepError("decide", e));
    return { step: "decide", status: "failed", durationMs: Date.now() - t, detail: result.errors.at(-1)!.message };
  }
  const runs = result.decisions;
  return {
    step: "decide",
    status: runs.some((r) => r.status === "failed")
      ? "failed"
      : runs.every((r) => r.status === "skipped")
        ? "skipped"
        : "ok",
    durationMs: Date.now() - t,
    rows: runs.reduce((n, r) => n + r.decided, 0),
    costUsd: runs.reduce((n, r) => n + r.costUsd, 0),
    detail: runs.map((r) => r.detail).join("; "),
  };
}

async function runExports(project: Project, result: RunResult, state: RunState, options: RunOptions): Promise<void> {
  const built = new Map<string, string>(result.build?.models.map((m) => [m.model, m.status]) ?? []);
  // a decision's mart is rebuilt by its decision
  for (const d of result.decisions) built.set(d.decision, d.status === "ok" ? "success" : "skipped");
  const t = Date.now();
  for (const [i, x] of project.config.exports.entries()) {
    const planned = result.plan?.exports[i];
    const run: ExportRun = { mart: x.mart, to: x.to, status: "skipped" };
    result.exports.push(run);
    const mart = x.mart.replace(/^marts\./, "");
    if (planned && !(planned.due || (!planned.scheduled && built.get(mart) === "success"))) {
      run.error = planned.scheduled ? planned.reason : "its mart was not rebuilt";
      continue;
    }
    if (built.has(mart) && built.get(mart) !== "success" && built.get(mart) !== "unchanged") {
      run.error = `${mart} was not rebuilt in this run; the previous export stays`;
      continue;
    }
    if (options.signal?.aborted) break;
    const key = exportKey(x.mart, x.to);
    const rec = (state.exports[key] ??= {});
    rec.last_attempt_at = now().toISOString();
    const t0 = Date.now();
    try {
      const out = await exportMart(project, x.mart, x.to, {
        actor: options.due ? "schedule" : "cli",
        signal: options.signal,
        baseDir: project.dir,
        includePii: x.include_pii,
      });
      Object.assign(run, { status: "ok", rows: out.rows });
      rec.last_success_at = rec.last_attempt_at;
      delete rec.last_error;
      log.info(`exported marts.${out.mart} to ${x.to} (${formatCount(out.rows)} rows)`, { step: "export" });
    } catch (e) {
      const err = asDpError(e);
      Object.assign(run, { status: "failed", error: err.message });
      rec.last_error = err.message;
      log.warn(`export of ${x.mart} to ${x.to} failed: ${err.message}`, { step: "export" });
    }
    run.durationMs = Date.now() - t0;
    writeRunState(project, state);
  }
  const ran = result.exports.filter((x) => x.status !== "skipped");
  if (!ran.length) return;
  const failed = ran.filter((x) => x.status === "failed");
  result.steps.push({
    step: "export",
    status: failed.length ? "failed" : "ok",
    durationMs: Date.now() - t,
    rows: ran.reduce((n, x) => n + (x.rows ?? 0), 0),
    detail: `${ran.length - failed.length}/${ran.length} exports${failed.length ? `; failed: ${failed.map((x) => x.mart).join(", ")}` : ""}`,
  });
}

/** The models the default memory limit was too small for, and what each was built under: the setting to raise. */
function raisedNote(models: { model: string; memoryLimit?: string }[]): string {
  const raised = models.filter((m) => m.memoryLimit);
  return raised.length
    ? `; built with more memory than the default warehouse.memory_limit: ${raised.map((m) => `${m.model} (${m.memoryLimit})`).join(", ")}`
    : "";
}
