import { createInterface } from "node:readline";
import type { Project } from "../../engine/config/project.ts";
import { reviewDecision, type QueueItem, type ReviewOutcome, type ReviewRequest } from "../../engine/decide/review.ts";
import { asDpError, type DpError, ExitCode } from "../../engine/errors.ts";
import { withRunLock } from "../../engine/orchestrate/lock.ts";
import { toolActs } from "./services.ts";

export interface VerdictResult {
  id: string;
  outcome?: ReviewOutcome;
  error?: { code: string; message: string; where?: string; fix?: string };
}

export interface VerdictOptions {
  decision?: string;
  by?: string;
  note?: string;
}

/** "a,b c" → ["a", "b", "c"]: ids from a flag. */
export function idList(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}

/** Each verdict under the run lock (the warehouse has one writer), in order; one bad id does not stop the others. */
export async function applyVerdicts(
  project: Project,
  verdicts: { id: string; verdict: ReviewRequest["verdict"] }[],
  options: VerdictOptions,
): Promise<VerdictResult[]> {
  const acts = toolActs(project);
  return withRunLock(project, "review", async () => {
    const out: VerdictResult[] = [];
    for (const v of verdicts) {
      try {
        out.push({ id: v.id, outcome: await reviewDecision(project, acts, { ...v, ...options }) });
      } catch (e) {
        const err: DpError = asDpError(e);
        out.push({ id: v.id, error: { code: err.code, message: err.message, where: err.where, fix: err.fix } });
      }
    }
    return out;
  });
}

/** 2 when an id was wrong, 1 when an approved act failed, else 0. */
export function verdictExitCode(results: VerdictResult[]): number {
  if (results.some((r) => r.error)) return ExitCode.config;
  if (results.some((r) => r.outcome?.act?.status === "failed")) return ExitCode.failed;
  return ExitCode.ok;
}

export function formatVerdicts(results: VerdictResult[]): string {
  return results
    .map((r) => {
      if (r.error)
        return `✗ ${r.id}: ${r.error.message}${r.error.where ? `\n    at ${r.error.where}` : ""}${r.error.fix ? `\n    fix: ${r.error.fix}` : ""}`;
      const o = r.outcome!;
      const act = o.act
        ? o.act.status === "ok"
          ? `; ran ${o.act.tool}: ${o.act.summary}`
          : `; its act ${o.act.tool} FAILED: ${o.act.error} (approve again to retry)`
        : "";
      return `${o.act?.status === "failed" ? "✗" : "✓"} ${o.decision} ${o.decision_id} (${o.key}, ${o.label}) ${o.verdict} by ${o.by}${act}`;
    })
    .join("\n");
}

export function formatQueue(items: QueueItem[]): string {
  if (!items.length) return "nothing waits for a person";
  const lines = [
    `${items.length} wait for a person (approve with \`dp review --approve ID\`, reject with --reject ID):`,
  ];
  for (const i of items) {
    const carried = Object.entries(i.carried)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    lines.push(
      `  ${i.decision_id}  ${i.decision}  ${i.key}${carried ? ` (${carried})` : ""}  ${i.label} @ ${i.confidence}`,
      `      ${i.reason}`,
      `      waits: ${i.why}${i.act ? ` · approving runs ${i.act}` : ""} · owner ${i.owner}`,
    );
  }
  return lines.join("\n");
}

/** On a terminal: each waiting row, one question each — [a]pprove, [r]eject, [s]kip, [q]uit. */
export async function reviewAtPrompt(
  project: Project,
  items: QueueItem[],
  options: VerdictOptions,
  write: (text: string) => void,
): Promise<VerdictResult[]> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  // an iterator buffers what is typed ahead while a verdict is being applied; question() would drop it
  const lines = rl[Symbol.asyncIterator]();
  const results: VerdictResult[] = [];
  write(formatQueue(items).split("\n")[0]!);
  try {
    for (const item of items) {
      write(formatQueue([item]).split("\n").slice(1).join("\n"));
      process.stdout.write("  [a]pprove, [r]eject, [s]kip, [q]uit? ");
      const next = await lines.next();
      if (next.done) break;
      const answer = String(next.value).trim().toLowerCase();
      if (answer.startsWith("q")) break;
      if (!answer.startsWith("a") && !answer.startsWith("r")) continue;
      const verdict = answer.startsWith("a") ? "approved" : "rejected";
      const [r] = await applyVerdicts(project, [{ id: item.decision_id, verdict }], {
        ...options,
        decision: item.decision,
      });
      results.push(r!);
      write(formatVerdicts([r!]));
    }
  } finally {
    rl.close();
  }
  return results;
}
