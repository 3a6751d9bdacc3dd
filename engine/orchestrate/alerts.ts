import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatAge, now, parseDuration } from "../clock.ts";
import { interpolate } from "../config/env.ts";
import { fetchJson } from "../deliver/retry-fetch.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { log } from "../log.ts";
import { loadModels, upstreamSources } from "../transform/models.ts";
import type { Project } from "../config/project.ts";
import type { AlertOutcome, RunResult } from "./run-result.ts";
import { redact } from "../secrets.ts";
import { withoutDataValues } from "../catalog/pii-mask.ts";

export interface AlertEvent {
  /** what dedup and recovery are keyed on: "pull:billing", "test:mrr_monthly", "freshness:crm" */
  key: string;
  step: "pull" | "build" | "test" | "decide" | "export" | "freshness" | "run" | "lock";
  title: string;
  error: string;
  owner?: string;
  /** the command that fixes or retries it */
  command: string;
}

interface OpenAlert {
  step: string;
  title: string;
  first_at: string;
  last_sent_at?: string;
}

interface AlertState {
  version: 1;
  open: Record<string, OpenAlert>;
}

interface Channel {
  name: "slack" | "webhook";
  url: string;
}

function statePath(project: Project): string {
  return join(project.paths.work, "alerts.json");
}

function readState(project: Project): AlertState {
  const p = statePath(project);
  if (!existsSync(p)) return { version: 1, open: {} };
  try {
    return JSON.parse(readFileSync(p, "utf8")) as AlertState;
  } catch {
    return { version: 1, open: {} };
  }
}

function channels(project: Project): Channel[] {
  const cfg = project.config.alerts;
  const out: Channel[] = [];
  for (const name of ["slack", "webhook"] as const) {
    const raw = name === "slack" ? cfg?.slack_webhook : cfg?.webhook;
    if (!raw) continue;
    try {
      out.push({
        name,
        url: interpolate(
          raw,
          `${project.locate(["alerts", name === "slack" ? "slack_webhook" : "webhook"])}`,
          "alerts",
        ),
      });
    } catch (e) {
      log.warn(`alerts: ${name} channel skipped: ${(e as Error).message}`);
    }
  }
  return out;
}

/** What this run says is wrong, and which keys it looked at (only those can recover). */
export function alertsForRun(project: Project, result: RunResult): { events: AlertEvent[]; evaluated: Set<string> } {
  const events: AlertEvent[] = [];
  // this run holds the lock, so a hung holder alerted about before is gone: that alert recovers
  const evaluated = new Set<string>([LOCK_KEY]);
  const sourceOwner = (s: string) => project.config.sources[s]?.owner;
  for (const step of ["pull", "build"] as const) {
    if (!result.steps.some((s) => s.step === step && s.status !== "skipped")) continue;
    evaluated.add(`run:${step}`);
    for (const e of result.errors.filter((x) => x.step === step)) {
      events.push({
        key: `run:${step}`,
        step,
        title: `${step} could not start`,
        error: `${e.message}${e.where ? ` (at ${e.where})` : ""}`,
        command: e.fix ?? `dp ${step}`,
      });
    }
  }
  for (const p of result.pull) {
    evaluated.add(`pull:${p.source}`);
    if (p.status === "failed") {
      events.push({
        key: `pull:${p.source}`,
        step: "pull",
        title: `pull of ${p.source} failed`,
        error: p.error?.message ?? "failed",
        owner: sourceOwner(p.source),
        command: `dp pull ${p.source}`,
      });
    }
  }
  let graph: ReturnType<typeof loadModels> | undefined;
  try {
    graph = loadModels(project);
  } catch {}
  const modelOwner = (m: string) => {
    const model = graph?.models.get(m);
    if (model?.config.owner) return model.config.owner;
    const owners = graph
      ? [
          ...new Set(
            upstreamSources(graph, m)
              .map((s) => sourceOwner(s.source))
              .filter(Boolean),
          ),
        ]
      : [];
    return owners.join(", ") || undefined;
  };
  const failedSources = new Set(result.pull.filter((p) => p.status === "failed").map((p) => p.source));
  for (const m of result.build?.models ?? []) {
    if (m.status === "skipped") continue;
    evaluated.add(`build:${m.model}`).add(`test:${m.model}`);
    if (m.status !== "failed") continue;
    // a model starved by a failed pull is that pull's alert, not a second one
    const starvedBy = graph ? upstreamSources(graph, m.model).find((s) => failedSources.has(s.source)) : undefined;
    if (starvedBy && !m.tests.length) {
      evaluated.delete(`build:${m.model}`);
      continue;
    }
    const failedTests = m.tests.filter((t) => t.status === "fail" || t.status === "error");
    if (failedTests.length) {
      events.push({
        key: `test:${m.model}`,
        step: "test",
        title: `${failedTests.length} test${failedTests.length > 1 ? "s" : ""} failed on ${m.schema}.${m.model} (previous version stays live)`,
        error: failedTests.map((t) => `${t.id}: ${t.message}`).join("; "),
        owner: modelOwner(m.model),
        command: `dp build --select ${m.model}+`,
      });
    } else {
      events.push({
        key: `build:${m.model}`,
        step: "build",
        title: `build of ${m.schema}.${m.model} failed`,
        error: `${m.error ?? "failed"}${m.where ? ` (at ${m.where})` : ""}`,
        owner: modelOwner(m.model),
        command: `dp build --select ${m.model}+`,
      });
    }
  }
  for (const d of result.decisions) {
    // a decision not run because its input failed is that input's alert
    if (d.status === "skipped") continue;
    const key = `decide:${d.decision}`;
    evaluated.add(key);
    if (d.status === "failed")
      events.push({
        key,
        step: "decide",
        title: `decision ${d.decision} failed`,
        error: `${d.detail}${d.where ? ` (at ${d.where})` : ""}`,
        command: "dp run",
      });
  }
  for (const x of result.exports) {
    const key = `export:${x.mart}:${x.to}`;
    if (x.status === "skipped") continue;
    evaluated.add(key);
    if (x.status === "failed")
      events.push({
        key,
        step: "export",
        title: `export of ${x.mart} to ${x.to} failed`,
        error: x.error ?? "failed",
        owner: modelOwner(x.mart),
        command: `dp export ${x.mart} --to ${x.to}`,
      });
  }
  for (const f of result.freshness) {
    const key = `freshness:${f.source}`;
    evaluated.add(key);
    if (f.status === "error") {
      events.push({
        key,
        step: "freshness",
        title: `${f.source} is stale: last successful pull ${f.lastSuccessAt ? `${formatAge(f.ageMs ?? 0)} ago` : "never"} (error_after ${f.errorAfter})`,
        error: f.lastError ?? "no recent successful pull",
        owner: f.owner,
        command: `dp pull ${f.source}`,
      });
    }
  }
  return { events, evaluated };
}

const LOCK_KEY = "lock:held";
const DEFAULT_LOCK_ALERT_AFTER = "2h";

/**
 * A firing found the lock held. Past `alerts.lock_alert_after` (default 2h) of holding, alert once per
 * holder (a hung run holds it for days; one message, not one per cron firing); the first run that gets
 * the lock afterwards sends the recovery.
 */
export async function alertLockHeld(
  project: Project,
  holder: { pid: number; command: string; started_at: string },
): Promise<boolean> {
  const limit = parseDuration(project.config.alerts?.lock_alert_after ?? DEFAULT_LOCK_ALERT_AFTER) ?? 2 * 3_600_000;
  const heldMs = Date.now() - Date.parse(holder.started_at);
  if (!(heldMs > limit)) return false;
  const targets = channels(project);
  if (!targets.length) return false;
  const state = readState(project);
  if (state.open[LOCK_KEY]?.first_at === holder.started_at) return false;
  const e: AlertEvent = {
    key: LOCK_KEY,
    step: "lock",
    title: `dp ${holder.command} (pid ${holder.pid}) has held the project lock for ${formatAge(heldMs)}; every scheduled run since was skipped`,
    error: `lock held since ${holder.started_at} by pid ${holder.pid}`,
    command: `ps -p ${holder.pid} -o pid,etime,args  # if it is hung: kill ${holder.pid}`,
  };
  const entry: OpenAlert = { step: "lock", title: e.title, first_at: holder.started_at };
  if (!(await send(project, targets, "alert", e, entry, "locked"))) return false;
  entry.last_sent_at = now().toISOString();
  state.open[LOCK_KEY] = entry;
  writeFileAtomic(statePath(project), `${JSON.stringify(state, null, 2)}\n`);
  return true;
}

/**
 * Send what is new, re-send what is still wrong after the dedup window, and send one
 * recovery when a key clears. A failing channel is logged, never fails the run.
 */
export async function deliverAlerts(
  project: Project,
  events: AlertEvent[],
  evaluated: Set<string>,
  runId: string,
): Promise<AlertOutcome> {
  const outcome: AlertOutcome = { sent: [], recovered: [], deduped: [], failed: [] };
  const targets = channels(project);
  if (!targets.length) return outcome;
  const state = readState(project);
  const at = now();
  const windowMs = parseDuration(project.config.alerts?.dedup_window ?? "6h") ?? 6 * 3_600_000;
  for (const e of events) {
    const open = state.open[e.key];
    if (open?.last_sent_at && at.getTime() - new Date(open.last_sent_at).getTime() < windowMs) {
      outcome.deduped.push(e.key);
      continue;
    }
    const entry: OpenAlert = open ?? { step: e.step, title: e.title, first_at: at.toISOString() };
    state.open[e.key] = entry;
    if (await send(project, targets, "alert", e, entry, runId)) {
      entry.last_sent_at = at.toISOString();
      outcome.sent.push(e.key);
    } else outcome.failed.push(e.key);
  }
  const current = new Set(events.map((e) => e.key));
  for (const [key, open] of Object.entries(state.open)) {
    if (current.has(key) || !evaluated.has(key)) continue;
    if (!open.last_sent_at) {
      delete state.open[key];
      continue;
    }
    const e: AlertEvent = { key, step: open.step as AlertEvent["step"], title: open.title, error: "", command: "" };
    if (await send(project, targets, "recovery", e, open, runId)) {
      delete state.open[key];
      outcome.recovered.push(key);
    } else outcome.failed.push(key);
  }
  writeFileAtomic(statePath(project), `${JSON.stringify(state, null, 2)}\n`);
  return outcome;
}

async function send(
  project: Project,
  targets: Channel[],
  kind: "alert" | "recovery",
  e: AlertEvent,
  open: OpenAlert,
  runId: string,
): Promise<boolean> {
  let delivered = false;
  for (const ch of targets) {
    try {
      // alerts leave the machine: no data values (a failing cast quotes the row's value, maybe an email)
      const clean = { ...e, title: withoutDataValues(e.title), error: withoutDataValues(e.error) };
      const cleanOpen = { ...open, title: withoutDataValues(open.title) };
      const payload =
        ch.name === "slack"
          ? slackPayload(project, kind, clean, cleanOpen)
          : webhookPayload(project, kind, clean, cleanOpen, runId);
      await fetchJson(ch.url, {
        label: `${ch.name} alert`,
        body: redact(JSON.stringify(payload)),
        retries: 3,
        timeoutMs: 10_000,
      });
      delivered = true;
    } catch (err) {
      log.warn(`alerts: could not deliver ${kind} ${e.key} to ${ch.name}: ${(err as Error).message}`);
    }
  }
  return delivered;
}

function slackPayload(project: Project, kind: "alert" | "recovery", e: AlertEvent, open: OpenAlert) {
  const name = project.config.name;
  if (kind === "recovery")
    return { text: `:white_check_mark: *${name}* recovered: ${open.title} (failing since ${open.first_at})` };
  const lines = [
    `:red_circle: *${name}* ${e.step}: ${e.title}`,
    `> ${e.error.slice(0, 1500).replaceAll("\n", "\n> ")}`,
  ];
  lines.push(`owner: ${e.owner ?? "unassigned (set \`owner:\` in project.yaml)"} · fix: \`${e.command}\``);
  return { text: lines.join("\n") };
}

function webhookPayload(project: Project, kind: "alert" | "recovery", e: AlertEvent, open: OpenAlert, runId: string) {
  return {
    project: project.config.name,
    kind,
    key: e.key,
    step: e.step,
    title: kind === "recovery" ? open.title : e.title,
    error: e.error || undefined,
    owner: e.owner,
    command: e.command || undefined,
    first_at: open.first_at,
    at: now().toISOString(),
    run_id: runId,
  };
}
