import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { now } from "../clock.ts";
import { interpolate } from "../config/env.ts";
import type { Project } from "../config/project.ts";
import { DpError } from "../errors.ts";
import { redact } from "../secrets.ts";
import { appendAudit, type AuditEntry } from "./audit-log.ts";
import { fetchJson } from "./retry-fetch.ts";

export interface NotifyOptions {
  actor: AuditEntry["actor"];
  /** who or what said yes, for the audit line */
  approvedBy?: string;
  signal?: AbortSignal;
}

export interface NotifyResult {
  target: string;
  kind: "slack" | "webhook" | "outbox";
}

export type Scalar = string | number | boolean | null;

/**
 * Send one short message: to the project's Slack channel (`slack` → alerts.slack_webhook), its webhook
 * (`webhook` → alerts.webhook, the message and data as JSON), or an outbox file inside the project
 * (`path/to/file.jsonl`, one JSON line appended per message). An `act`: every call leaves an audit line.
 */
export async function notify(
  project: Project,
  to: string,
  text: string,
  data: Record<string, Scalar>,
  options: NotifyOptions,
): Promise<NotifyResult> {
  const audit = (status: AuditEntry["status"], error?: string) =>
    appendAudit(project, {
      action: "send",
      actor: options.actor,
      target: to,
      status,
      what: "notify",
      text: text.slice(0, 300),
      ...(options.approvedBy ? { approved_by: options.approvedBy } : {}),
      ...(error ? { error } : {}),
    });
  try {
    const result = await send(project, to, text, data, options.signal);
    audit("ok");
    return result;
  } catch (e) {
    audit("failed", (e as Error).message);
    throw e;
  }
}

async function send(
  project: Project,
  to: string,
  text: string,
  data: Record<string, Scalar>,
  signal?: AbortSignal,
): Promise<NotifyResult> {
  if (to === "slack" || to === "webhook") {
    const key = to === "slack" ? "slack_webhook" : "webhook";
    const raw = project.config.alerts?.[key];
    if (!raw)
      throw new DpError("CONFIG", `no alerts.${key} to send to`, {
        where: `${project.file.displayPath} alerts.${key}`,
        fix: `set alerts.${key}: "\${${to === "slack" ? "SLACK_WEBHOOK_URL" : "ALERT_WEBHOOK_URL"}}" in project.yaml, or send to an outbox file (to: outbox/messages.jsonl)`,
      });
    const url = interpolate(raw, project.locate(["alerts", key]), "notify");
    const body = to === "slack" ? { text } : { text, ...data, sent_at: now().toISOString() };
    await fetchJson(url, { label: to, body: redact(JSON.stringify(body)), retries: 3, timeoutMs: 10_000, signal });
    return { target: `alerts.${key}`, kind: to };
  }
  const path = resolve(project.dir, to);
  const rel = relative(project.dir, path);
  if (!/\.jsonl$/.test(to) || isAbsolute(to) || rel.startsWith("..") || isAbsolute(rel))
    throw new DpError("USAGE", `cannot send to "${to}"`, {
      where: "notify.to",
      fix: "use slack, webhook, or a relative path ending in .jsonl inside the project (an outbox)",
    });
  mkdirSync(dirname(path), { recursive: true });
  // one write per line (O_APPEND): concurrent senders never interleave
  appendFileSync(path, `${redact(JSON.stringify({ at: now().toISOString(), text, ...data }))}\n`);
  return { target: rel, kind: "outbox" };
}
