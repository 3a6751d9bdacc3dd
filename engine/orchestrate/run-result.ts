import type { SourceFreshness } from "../ingest/freshness.ts";
import type { SourceResult } from "../ingest/pull.ts";
import type { BuildResult } from "../transform/build.ts";
import type { DecisionRun } from "../decide/decide.ts";

/** What one `dp run` did, step by step: returned by the pipeline, read by alerts and the history. */
export type StepName = "pull" | "build" | "test" | "decide" | "export" | "alert";

export interface RunStep {
  step: StepName;
  status: "ok" | "failed" | "skipped";
  durationMs: number;
  rows?: number;
  detail?: string;
  /** what the step spent on model calls (the decide step) */
  costUsd?: number;
}

export interface ExportRun {
  mart: string;
  to: string;
  status: "ok" | "failed" | "skipped";
  rows?: number;
  durationMs?: number;
  error?: string;
}

export interface DuePlan {
  sources: { source: string; due: boolean; reason: string }[];
  exports: { mart: string; to: string; scheduled: boolean; due: boolean; reason: string }[];
}

export type RunStatus = "success" | "failed" | "interrupted" | "idle";

export interface RunResult {
  runId: string;
  ok: boolean;
  status: RunStatus;
  steps: RunStep[];
  pull: SourceResult[];
  build?: BuildResult;
  /** the decision step, one entry per decision file */
  decisions: DecisionRun[];
  exports: ExportRun[];
  freshness: SourceFreshness[];
  alerts?: AlertOutcome;
  /** a step that failed as a whole (bad model graph, unknown source), not per source or model */
  errors: { step: StepName; message: string; where?: string; fix?: string }[];
  plan?: DuePlan;
  durationMs: number;
}

export interface AlertOutcome {
  sent: string[];
  recovered: string[];
  deduped: string[];
  failed: string[];
}
