import { now } from "./clock.ts";
import { build, type BuildResult } from "./build.ts";
import { Db } from "./duckdb.ts";
import { DpError } from "./errors.ts";
import { sourceFreshness, type SourceFreshness } from "./freshness.ts";
import { newRunId } from "./lake.ts";
import { log } from "./log.ts";
import type { Project } from "./project.ts";
import { pull, type SourceResult } from "./pull.ts";
import { openWriter } from "./warehouse.ts";

export interface RunStep {
  step: "pull" | "build" | "export" | "alert";
  status: "ok" | "failed" | "skipped";
  durationMs: number;
  detail?: string;
}

export interface RunResult {
  runId: string;
  ok: boolean;
  steps: RunStep[];
  pull: SourceResult[];
  build?: BuildResult;
  freshness: SourceFreshness[];
  durationMs: number;
}

export interface RunOptions {
  sources?: string[];
  select?: string;
  signal?: AbortSignal;
}

/** pull → build (tests guard every publish) → exports → alerts; the caller holds the lock. */
export async function runPipeline(project: Project, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const startedAt = now();
  const runId = newRunId(startedAt);
  const steps: RunStep[] = [];
  const t0 = Date.now();
  const pulled = await pull(project, { sources: options.sources, runId, signal: options.signal });
  const pullFailed = pulled.filter((p) => p.status === "failed");
  steps.push({
    step: "pull",
    status: pullFailed.length ? "failed" : "ok",
    durationMs: Date.now() - t0,
    detail: `${pulled.reduce((n, p) => n + p.rows, 0)} rows from ${pulled.length} sources${pullFailed.length ? `; failed: ${pullFailed.map((p) => p.source).join(", ")}` : ""}`,
  });
  let built: BuildResult | undefined;
  if (!options.signal?.aborted) {
    const t1 = Date.now();
    built = await build(project, { select: options.select, runId, signal: options.signal });
    const failedModels = built.models.filter((m) => m.status !== "success");
    steps.push({
      step: "build",
      status: built.ok ? "ok" : "failed",
      durationMs: Date.now() - t1,
      detail: `${built.models.length - failedModels.length}/${built.models.length} models${failedModels.length ? `; not published: ${failedModels.map((m) => m.model).join(", ")}` : ""}`,
    });
  }
  const freshness = sourceFreshness(project);
  const ok = steps.every((s) => s.status !== "failed");
  const result: RunResult = { runId, ok, steps, pull: pulled, build: built, freshness, durationMs: Date.now() - started };
  await recordRun(project, result, startedAt).catch((e) => log.warn(`could not record run history: ${(e as Error).message}`));
  return result;
}

async function recordRun(project: Project, result: RunResult, startedAt: Date): Promise<void> {
  let db: Db | undefined;
  try {
    db = await openWriter(project);
    const error = result.ok ? null : result.steps.filter((s) => s.status === "failed").map((s) => `${s.step}: ${s.detail}`).join("; ");
    await db.run("INSERT INTO _dp.runs VALUES ($1, 'run', $2::TIMESTAMPTZ, $3::TIMESTAMPTZ, $4, $5::JSON, $6)", [
      result.runId,
      startedAt.toISOString(),
      new Date(startedAt.getTime() + result.durationMs).toISOString(),
      result.ok ? "success" : "failed",
      JSON.stringify(result.steps),
      error,
    ]);
  } catch (e) {
    throw e instanceof DpError ? e : new DpError("IO", String(e));
  } finally {
    db?.close();
  }
}
