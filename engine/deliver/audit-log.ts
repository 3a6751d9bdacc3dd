import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { now } from "../clock.ts";
import type { Project } from "../config/project.ts";
import { redact } from "../secrets.ts";

export interface AuditEntry {
  action: "export" | "send";
  /** who asked: a human at the CLI, the schedule (cron), `dp ask` after a human's yes, an autonomous
   * decision (its authority map said so), or a human's approval in `dp review` */
  actor: "cli" | "schedule" | "ask" | "decision" | "review";
  target: string;
  status: "ok" | "failed" | "refused";
  [key: string]: unknown;
}

export function auditPath(project: Project): string {
  return join(project.paths.work, "audit.jsonl");
}

/**
 * One JSON line in .dp/audit.jsonl per act and per question: append-only, one write() per line
 * (O_APPEND), so concurrent writers never interleave; redacted like every other line dp writes.
 */
export function appendAuditLine(project: Project, record: object): void {
  mkdirSync(project.paths.work, { recursive: true });
  appendFileSync(auditPath(project), `${redact(JSON.stringify({ at: now().toISOString(), ...record }))}\n`);
}

/** Every `act` (irreversible: export, send) leaves one line. */
export function appendAudit(project: Project, entry: AuditEntry): void {
  appendAuditLine(project, entry);
}
