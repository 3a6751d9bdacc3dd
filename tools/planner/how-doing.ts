import type { Catalog } from "../../engine/catalog/catalog.ts";

/**
 * "How are X doing?" with no number named (#15, batch 40): "how are customers doing?", "how's revenue looking this
 * quarter", "how are sales going", "how is support holding up". A broad area with a verb of health names no one
 * number — customers may be the count paying, the new ones, the lost ones or the churn rate — so it is asked back,
 * offering the nearest numbers of the catalog, never answered with the first metric the noun is a synonym of.
 * A metric named ("how is MRR doing", "how are new customers looking") is not this: only the broad nouns below are.
 */
const AREAS: Record<string, string[]> = {
  customers: ["active_customers", "new_customers", "churned_customers", "churn_rate"],
  revenue: ["mrr", "arr", "new_mrr", "churned_mrr", "nrr"],
  sales: ["deals_won", "won_amount", "open_pipeline", "win_rate"],
  support: ["tickets_opened", "open_tickets", "csat", "first_response_minutes"],
  product: ["daily_active_users", "monthly_active_users", "product_active_accounts"],
  retention: ["churn_rate", "nrr", "grr"],
  payments: ["revenue_collected", "failed_payments", "successful_payments"],
};
const NOUNS: [RegExp, string][] = [
  [/(?:customers|clients|accounts|logos|the customer base|our customer base|customer base|the base)/, "customers"],
  [/(?:revenue|recurring revenue|money|the money|top line|the top line)/, "revenue"],
  [/(?:sales|the sales team|deals|the pipeline|pipe)/, "sales"],
  [/(?:support|the support team|the help desk|helpdesk|tickets)/, "support"],
  [/(?:the product|product|usage|the app|users)/, "product"],
  [/(?:retention)/, "retention"],
  [/(?:payments|billing|collections)/, "payments"],
];
const VERB = String.raw`(?:doing|going|looking|trending|tracking|holding\s+up|performing|faring|shaping\s+up)`;
const PERIOD_TAIL = String.raw`(?:\s+(?:this|last|so\s+far\s+this|in\s+the\s+last)\s+\w+|\s+(?:lately|recently|these\s+days|right\s+now|now|today|overall|so\s+far|at\s+the\s+moment|ytd|mtd|qtd))?`;

/** the ask-back for a broad area's health with no number named, or undefined */
export function howDoingAskBack(
  question: string,
  catalog: Catalog,
): { reason: string; suggestions: string[] } | undefined {
  const text = question
    .toLowerCase()
    .replace(/[?!.]+\s*$/, "")
    .trim();
  const m = new RegExp(
    String.raw`^(?:so\s+|and\s+|ok\s+|quick\s+q\s*[:,-]?\s*)?how(?:'s|s|\s+is|\s+are|\s+were|\s+was|\s+have|\s+has)\s+(?:our\s+|the\s+|my\s+)?(.+?)\s+(?:been\s+)?${VERB}${PERIOD_TAIL}$`,
  ).exec(text);
  if (!m) return undefined;
  const noun = m[1]!.trim();
  const area = NOUNS.find(([re]) => new RegExp(`^${re.source}$`).test(noun))?.[1];
  if (!area) return undefined;
  const known = new Map(catalog.metrics.map((d) => [d.name, d.label ?? d.name]));
  const offered = AREAS[area]!.filter((n) => known.has(n));
  const list = offered.map((n) => `${known.get(n)} (${n})`).join(", ");
  return {
    reason: `"${m[0]}" names no one number for ${noun}: say which${list ? ` — the nearest are ${list}` : ""}`,
    suggestions: offered.map((n) => `what is ${known.get(n)}?`),
  };
}
