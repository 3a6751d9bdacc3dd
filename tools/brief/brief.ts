import { interpolate } from "../../engine/config/env.ts";
import { DpError } from "../../engine/errors.ts";
import { appendAudit } from "../../engine/deliver/audit-log.ts";
import { fetchJson } from "../../engine/deliver/retry-fetch.ts";
import type { Project } from "../../engine/config/project.ts";
import { redact } from "../../engine/secrets.ts";
import { summarizeDecisions, type DecisionSummary } from "../../engine/decide/summary.ts";
import { comparePeriods } from "../toolbox/compare-periods.ts";
import { createToolContext } from "../context.ts";
import { formatChange, formatValue, metricLabel } from "../../engine/catalog/metric-format.ts";
import { during, isLatest, resolvePeriod } from "../../engine/catalog/period.ts";

export interface BriefLine {
  metric: string;
  label: string;
  period: string;
  value: number | null;
  previousPeriod: string;
  previous: number | null;
  change: number | null;
  text: string;
}

export interface Brief {
  title: string;
  lines: BriefLine[];
  /** what the decisions decided and what waits for a person */
  decisions: DecisionSummary[];
  text: string;
}

const LAST_FULL: Record<string, string> = {
  day: "yesterday",
  week: "last week",
  month: "last month",
  quarter: "last quarter",
  year: "last year",
};

/** Each brief metric over its last full period (by its grain) against the one before, via the compare_periods tool. */
export async function buildBrief(project: Project, options: { period?: string } = {}): Promise<Brief> {
  // a mistyped --period is the user's first problem, whatever else is missing
  if (options.period !== undefined && !isLatest(options.period)) resolvePeriod(options.period);
  const names = project.config.brief?.metrics ?? [];
  const decisions = await summarizeDecisions(project);
  if (!names.length && !decisions.length) {
    throw new DpError("CONFIG", "no metrics to brief", {
      where: `${project.file.displayPath} brief.metrics`,
      fix: "add `brief: { metrics: [mrr, churn_rate] }` to project.yaml (names from `dp catalog`)",
    });
  }
  const ctx = createToolContext(project);
  const lines: BriefLine[] = [];
  try {
    for (const name of names) {
      const metric = ctx.catalog.metric(name);
      const period = options.period ?? LAST_FULL[metric.grain] ?? "last month";
      const out = await comparePeriods.run(ctx, comparePeriods.input.parse({ metric: name, current: period }));
      const label = metricLabel(metric);
      // several currencies: each with its own change, never a sum of dollars and euros
      const values = out.by_currency.length
        ? out.by_currency
            .map(
              (c) =>
                // "1,000 (unknown currency)" already says it is in no known currency
                `${formatValue(c.current, out.format, c.currency ?? undefined)} (${/^[A-Z]{3}$/.test(c.currency) ? `${c.currency}, ` : ""}${formatChange(c.current, c.previous, out.format, c.currency ?? undefined)})`,
            )
            .join(" · ")
        : `${formatValue(out.current.value, out.format, out.unit ?? undefined)} ${during(out.current.period.label)} (${formatChange(out.current.value, out.previous.value, out.format, out.unit ?? undefined)} vs ${out.previous.period.label})`;
      const text = out.by_currency.length
        ? `${label} ${during(out.current.period.label)} vs ${out.previous.period.label}: ${values}`
        : `${label}: ${values}`;
      lines.push({
        metric: name,
        label,
        period: out.current.period.label,
        value: out.current.value,
        previousPeriod: out.previous.period.label,
        previous: out.previous.value,
        change: out.change,
        text,
      });
    }
  } finally {
    ctx.close();
  }
  const title = `${project.config.name} brief`;
  const decided = decisions.length ? ["*Decisions*", ...decisions.map((d) => `• ${decisionLine(d)}`)] : [];
  return {
    title,
    lines,
    decisions,
    text: [`*${title}*`, ...lines.map((l) => `• ${l.text}`), ...decided].join("\n"),
  };
}

/** "churn_risk on 643 rows of account_health (offline, as of …): high 48, medium 20, low 575; 19 acted; 51 wait for a person (dp review)" */
function decisionLine(d: DecisionSummary): string {
  if (!d.evaluated_at)
    return `${d.decision}: not decided yet; it runs in \`dp run\` once ${d.input} is built and passes its tests`;
  const labels = Object.entries(d.labels)
    .map(([l, n]) => `${l} ${n}`)
    .join(", ");
  const st = d.statuses;
  const done = [
    st.acted ? `${st.acted} acted` : "",
    st.approved ? `${st.approved} approved` : "",
    st.rejected ? `${st.rejected} rejected` : "",
    st.failed ? `${st.failed} failed` : "",
    st.pending ? `${st.pending} not decided yet` : "",
  ].filter(Boolean);
  const when = d.evaluated_at ? `, as of ${d.evaluated_at.slice(0, 16).replace("T", " ")} UTC` : "";
  return `${d.decision} on ${d.rows} rows of ${d.input} (${d.providers.join(", ") || "none"}${when}, owner ${d.owner}): ${labels || "nothing decided"}${done.length ? `; ${done.join(", ")}` : ""}; ${d.waiting ? `${d.waiting} wait for a person (dp review)` : "nothing waits for a person"}`;
}

/** Sending is an `act`: audited, and only to the project's own Slack channel. */
export async function postBrief(project: Project, brief: Brief): Promise<void> {
  const raw = project.config.alerts?.slack_webhook;
  if (!raw)
    throw new DpError("CONFIG", "no Slack channel to post to", {
      where: `${project.file.displayPath} alerts.slack_webhook`,
      fix: 'set alerts.slack_webhook: "${SLACK_WEBHOOK_URL}", or run `dp brief` without --post',
    });
  const url = interpolate(raw, project.locate(["alerts", "slack_webhook"]), "dp brief");
  try {
    await fetchJson(url, {
      label: "slack",
      body: redact(JSON.stringify({ text: brief.text })),
      retries: 3,
      timeoutMs: 10_000,
    });
    appendAudit(project, {
      action: "send",
      actor: "cli",
      target: "alerts.slack_webhook",
      status: "ok",
      what: "brief",
      metrics: brief.lines.map((l) => l.metric),
    });
  } catch (e) {
    appendAudit(project, {
      action: "send",
      actor: "cli",
      target: "alerts.slack_webhook",
      status: "failed",
      what: "brief",
      error: (e as Error).message,
    });
    throw e;
  }
}
