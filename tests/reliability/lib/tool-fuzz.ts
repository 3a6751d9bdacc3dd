import { SQL_ATTACKS } from "./attacks.ts";

/** Arguments an LLM (or an MCP client) could send to each tool: valid ones, to mutate one string at a time. */
export const BASE_INPUTS: Record<string, Record<string, unknown>> = {
  list_metrics: { mart: "mrr_monthly" },
  describe_metric: { metric: "mrr" },
  describe_mart: { mart: "customers" },
  search_catalog: { query: "revenue" },
  query_metric: {
    metric: "mrr",
    period: "last_month",
    grain: "month",
    filters: [{ dimension: "plan", op: "=", value: "pro" }],
    group_by: ["plan"],
  },
  compare_periods: {
    metric: "mrr",
    current: "last_month",
    previous: "2026-09",
    filters: [{ dimension: "plan", op: "in", value: ["pro", "basic"] }],
  },
  top_n: {
    mart: "customers",
    measure: "mrr",
    label: "customer_id",
    filters: [{ column: "plan", op: "=", value: "pro" }],
  },
  get_freshness: { source: "billing", mart: "customers" },
  explain_lineage: { model: "customers" },
  propose_metric: {
    name: "proposed_x",
    description: "a proposal",
    mart: "mrr_monthly",
    time_column: "month",
    expression: "sum(mrr)",
    dimensions: ["plan"],
    rationale: "fuzz",
  },
  export_mart: { mart: "customers", to: "out.csv" },
};

export const PAYLOADS: string[] = [
  "'; DROP TABLE marts.customers; --",
  "x' OR '1'='1",
  '"; DROP TABLE marts.customers; --',
  'customers"; DROP TABLE marts.customers; --',
  "marts.customers; DROP TABLE marts.customers",
  "mrr) FROM marts.customers; DROP TABLE marts.customers; --",
  "1) UNION ALL SELECT content FROM read_text('/etc/passwd') --",
  "read_csv('/etc/passwd')",
  "(SELECT getenv('HOME'))",
  "../../../../etc/passwd",
  "/etc/passwd",
  "email",
  "$1",
  "?",
  "\u0000",
  "😀 ünïcödé",
  "a".repeat(5000),
  ...SQL_ATTACKS.map((a) => a.sql),
];

type Path = (string | number)[];

/** Every path to a string leaf (string values inside arrays included). */
export function stringLeaves(value: unknown, path: Path = []): Path[] {
  if (typeof value === "string") return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

export function withLeaf(value: Record<string, unknown>, path: Path, leaf: string): Record<string, unknown> {
  const copy = structuredClone(value);
  let at: any = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  at[path.at(-1)!] = leaf;
  return copy;
}

/** Every (tool, input) pair: each string argument of each tool replaced by each payload. */
export function fuzzCases(): { tool: string; leaf: string; payload: string; input: Record<string, unknown> }[] {
  const out = [];
  for (const [tool, base] of Object.entries(BASE_INPUTS)) {
    for (const path of stringLeaves(base)) {
      for (const payload of PAYLOADS)
        out.push({ tool, leaf: path.join("."), payload, input: withLeaf(base, path, payload) });
    }
  }
  return out;
}
