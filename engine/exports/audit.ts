import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { now } from "../clock.ts";
import type { Project } from "../project.ts";
import { redact } from "../secrets.ts";

export interface AuditEntry {
  action: "export" | "send";
  /** who asked: a human at the CLI, the schedule (cron), or `dp ask` after a human's yes */
  actor: "cli" | "schedule" | "ask";
  target: string;
  status: "ok" | "failed" | "refused";
  [key: string]: unknown;
}

/** Every `act` (irreversible: export, send) leaves one line in .dp/audit.jsonl. */
export function appendAudit(project: Project, entry: AuditEntry): void {
  mkdirSync(project.paths.work, { recursive: true });
  appendFileSync(join(project.paths.work, "audit.jsonl"), `${redact(JSON.stringify({ at: now().toISOString(), ...entry }))}\n`);
}
