import { loadCatalog } from "../../engine/catalog/catalog.ts";
import { loadDecisions } from "../../engine/transform/decision-file.ts";
import type { Project } from "../../engine/config/project.ts";
import { TOOLS } from "../toolbox/index.ts";

/** One line of the decision authority map: who may do what, on whose sign-off, and what a mistake costs. */
export interface AuthorityEntry {
  kind: "decision" | "tool" | "export" | "alert";
  name: string;
  /** decisions: autonomous | recommend | human_required · tools: act · exports and alerts: autonomous */
  authority: string;
  /** below this confidence the label only recommends */
  threshold: number | null;
  owner: string | null;
  /** what it does when it acts */
  acts: string | null;
  /** when it may act, and on whose yes */
  when: string;
  false_positive: string | null;
  /** where it is declared: file:line */
  declared_at: string;
}

/**
 * The whole map, written before anything runs: every decision label, every tool that acts, every export
 * and alert channel, with its authority, threshold and owner.
 */
export function authorityMap(project: Project): AuthorityEntry[] {
  const out: AuthorityEntry[] = [];
  const decisions = loadDecisions(project);
  const usedBy = new Map<string, string[]>();
  for (const d of decisions) {
    for (const [label, l] of Object.entries(d.labels)) {
      const act = l.act ? `${l.act.tool}${typeof l.act.input.to === "string" ? ` → ${l.act.input.to}` : ""}` : null;
      if (l.act) usedBy.set(l.act.tool, [...(usedBy.get(l.act.tool) ?? []), `${d.name}.${label}`]);
      const below = "below, dp review";
      out.push({
        kind: "decision",
        name: `${d.name}.${label}`,
        authority: l.authority,
        threshold: d.threshold,
        owner: d.owner,
        acts: act,
        when:
          l.authority === "autonomous"
            ? `${act ? "acts" : "stands"} on its own at ≥ ${d.threshold}; ${below}`
            : l.authority === "recommend"
              ? `waits in dp review${act ? "; approval runs the act once" : ""}`
              : "shown in dp review and dp brief; never acted on",
        false_positive: l.false_positive ?? null,
        declared_at: d.locate(["labels", label]),
      });
    }
  }
  const unattended = project.config.ai.allow_act_unattended;
  for (const t of TOOLS.filter((x) => x.authority === "act")) {
    const decisionsUsing = usedBy.get(t.name);
    out.push({
      kind: "tool",
      name: t.name,
      authority: "act",
      threshold: null,
      owner: null,
      acts: t.description
        .replace(/^ACT \(irreversible\): /, "")
        .split(/[,(]| or /)[0]!
        .trim(),
      when: [
        unattended ? "even without a yes (ai.allow_act_unattended)" : "a person's yes (dp ask, MCP)",
        decisionsUsing ? `decisions: ${decisionsUsing.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; "),
      false_positive: null,
      declared_at: `tools/toolbox (${t.name})`,
    });
  }
  let owners: Map<string, string | undefined> | undefined;
  const ownerOf = (mart: string) => {
    try {
      owners ??= new Map([...loadCatalog(project).models.values()].map((m) => [m.name, m.owner]));
    } catch {
      owners = new Map();
    }
    return owners.get(mart.replace(/^marts\./, "")) ?? null;
  };
  project.config.exports.forEach((x, i) =>
    out.push({
      kind: "export",
      name: `${x.mart} → ${x.to}`,
      authority: "autonomous",
      threshold: null,
      owner: ownerOf(x.mart),
      acts: `writes ${x.to}`,
      when: x.schedule ? `dp run, on its schedule (${x.schedule})` : "dp run, after each build of its mart",
      false_positive: null,
      declared_at: project.locate(["exports", i]),
    }),
  );
  const alerts = project.config.alerts;
  for (const [key, channel] of [
    ["slack_webhook", "slack"],
    ["webhook", "webhook"],
  ] as const) {
    if (!alerts?.[key]) continue;
    out.push({
      kind: "alert",
      name: channel,
      authority: "autonomous",
      threshold: null,
      owner: null,
      acts: `posts to alerts.${key}`,
      when: `dp run, when a step fails, a source goes stale, or one recovers (at most once per ${alerts.dedup_window})`,
      false_positive: null,
      declared_at: project.locate(["alerts", key]),
    });
  }
  return out;
}
