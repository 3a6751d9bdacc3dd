import type { RunStepRecord } from "./run-history.ts";

/**
 * What the history keeps of a command's result, whichever command it was: `dp run`'s own steps, or one
 * step for `dp pull` (sources), `dp build` (models) and `dp test` (tests). A signal makes it interrupted.
 */
export function summarizeRun(
  value: unknown,
  signal?: string,
): { status: string; steps: RunStepRecord[]; error: string | null } {
  const v = value as Record<string, any>;
  let out: { status: string; steps: RunStepRecord[]; error: string | null };
  if (v && Array.isArray(v.steps) && typeof v.status === "string") {
    const steps = v.steps as RunStepRecord[];
    const failed = steps.filter((s) => s.status === "failed");
    out = {
      status: v.status,
      steps,
      error: failed.map((s) => `${s.step}: ${s.detail ?? "failed"}`).join("; ") || null,
    };
  } else if (Array.isArray(value)) {
    const sources = value as {
      source: string;
      status: string;
      rows: number;
      durationMs: number;
      error?: { message: string };
    }[];
    const failed = sources.filter((s) => s.status === "failed");
    const rows = sources.reduce((n, s) => n + s.rows, 0);
    out = {
      status: failed.length ? "failed" : "success",
      steps: [
        {
          step: "pull",
          status: failed.length ? "failed" : "ok",
          durationMs: sources.reduce((n, s) => n + s.durationMs, 0),
          rows,
          detail: `${rows} rows from ${sources.length} sources${failed.length ? `; failed: ${failed.map((s) => s.source).join(", ")}` : ""}`,
        },
      ],
      error: failed.map((s) => `${s.source}: ${s.error?.message ?? "failed"}`).join("; ") || null,
    };
  } else if (v && Array.isArray(v.models)) {
    const bad = (v.models as { model: string; status: string; rows?: number }[]).filter((m) => m.status === "failed");
    out = {
      status: v.ok === false || bad.length ? "failed" : "success",
      steps: [
        {
          step: "build",
          status: bad.length ? "failed" : "ok",
          durationMs: v.durationMs ?? 0,
          rows: v.models.reduce((n: number, m: { rows?: number }) => n + (m.rows ?? 0), 0),
          detail: `${v.models.length - bad.length}/${v.models.length} models`,
        },
      ],
      error: bad.length ? `failed: ${bad.map((m) => m.model).join(", ")}` : null,
    };
  } else if (v && Array.isArray(v.tests)) {
    const failed = (v.tests as { id: string; status: string }[]).filter(
      (t) => t.status === "fail" || t.status === "error",
    );
    out = {
      status: v.ok === false ? "failed" : "success",
      steps: [
        {
          step: "test",
          status: v.ok === false ? "failed" : "ok",
          durationMs: v.durationMs ?? 0,
          detail: `${v.tests.length - failed.length}/${v.tests.length} tests passed`,
        },
      ],
      error: failed.length
        ? `failed: ${failed
            .map((t) => t.id)
            .slice(0, 10)
            .join(", ")}`
        : null,
    };
  } else out = { status: "success", steps: [], error: null };
  return signal ? { ...out, status: "interrupted", error: out.error ?? `stopped by ${signal}` } : out;
}
