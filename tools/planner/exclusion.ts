import type { Catalog } from "../../engine/catalog/catalog.ts";
import { execSaid } from "./may-match.ts";

/**
 * The project's own test accounts (vars.excluded_*: customer ids, email domains, name patterns, metadata) are left
 * out of every metric whose mart is built on a model that reads those vars. Which metrics that is comes from the model
 * graph, never from a list of names: a mart downstream of a model calling {{ var('excluded_…') }} applies the rule.
 */
export interface Exclusion {
  /** the vars set in project.yaml, e.g. ["excluded_email_domains", "excluded_customer_names"] */
  vars: string[];
  /** "test accounts excluded (project vars excluded_email_domains: example.com; excluded_customer_names: test %)" */
  text: string;
}

function setVars(catalog: Catalog): Record<string, unknown> {
  // project.yaml's vars, as the model graph gets them: a cached catalog has no graph loaded, and loading one costs an ask ≈40 ms
  const vars = catalog.project.config.vars ?? {};
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (!k.startsWith("excluded_")) continue;
    const empty = v == null || (Array.isArray(v) && !v.length) || (typeof v === "object" && !Object.keys(v).length);
    if (!empty) set[k] = v;
  }
  return set;
}

function shown(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(", ");
  if (v && typeof v === "object")
    return Object.entries(v)
      .map(([k, x]) => `${k}=${String(x)}`)
      .join(", ");
  return String(v);
}

/** The exclusion a metric's mart applies, or undefined when none of its upstream models reads an excluded_* var. */
export function exclusionFor(catalog: Catalog, metricName: string): Exclusion | undefined {
  const metric = catalog.metrics.find((m) => m.name === metricName);
  if (!metric) return undefined;
  const set = setVars(catalog);
  if (!Object.keys(set).length) return undefined;
  let mart: ReturnType<Catalog["mart"]>;
  try {
    mart = catalog.mart(metric.mart);
  } catch {
    return undefined;
  }
  const read = new Set<string>();
  for (const name of [...mart.upstreamModels, mart.name])
    for (const v of catalog.models.get(name)?.varsRead ?? []) read.add(v);
  const vars = Object.keys(set).filter((k) => read.has(k));
  if (!vars.length) return undefined;
  return {
    vars,
    text: `test accounts excluded (project vars ${vars.map((k) => `${k}: ${shown(set[k])}`).join("; ")})`,
  };
}

/**
 * The words that leave something out, said before it: one list for the project's test accounts (SAID below), the
 * month still running (understand's PARTIAL_LEAD: "excluding the current month") and a dimension's value
 * (understand's negationAt: "excluding Enterprise"), so a lead one of them reads the others read too.
 */
export const EXCLUSION_LEADS: readonly string[] = [
  "excluding",
  "exclude",
  "excl",
  "except for",
  "except",
  "without",
  "not counting",
  "not including",
  "not incl",
  "leaving out",
  "leave out",
  "leaves out",
  "left out",
  "ignoring",
  "ignore",
  "setting aside",
  "aside from",
  "apart from",
  "other than",
  "else than",
  "less",
  "minus",
  "ex",
];
/** EXCLUSION_LEADS as one regex alternation (longest first, so "except for" before "except") */
export const EXCLUSION_LEAD = [...EXCLUSION_LEADS]
  .sort((a, b) => b.length - a.length)
  .map((p) => p.split(" ").join("\\s+"))
  .join("|");

/**
 * "excluding test accounts", "not counting internal customers", "test accounts excluded": the words of the project's
 * own exclusion. Returned with the question without them, so the metric is read from the rest; the caller keeps the
 * words only when the metric read applies the exclusion, and asks back otherwise.
 */
// "excluded test accounts": the participle before them as well as after
const SAID = new RegExp(
  `,?\\s*\\b(?:${EXCLUSION_LEAD}|excluded)\\s+(?:the\\s+|our\\s+|any\\s+|all\\s+)?(?:test(?:ing)?|internal|staff|qa|demo|dummy|fake|sandbox)\\s+(?:accounts?|customers?|users?|data|ones|payments?|charges?)\\b|,?\\s*\\b(?:test(?:ing)?|internal|staff|qa|dummy|fake|sandbox)\\s+(?:accounts?|customers?|users?|data)\\s+(?:excluded|removed|left\\s+out|aside)\\b`,
);

export function saysExclusion(text: string): { rest: string; said: string } | undefined {
  const m = execSaid(SAID, text);
  if (!m) return undefined;
  const rest = `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.replace(/\s+/g, " ").trim();
  return { rest, said: m[0].replace(/^,?\s*/, "").trim() };
}
