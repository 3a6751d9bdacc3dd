import type { Project } from "../config/project.ts";
import { loadDecisions } from "../transform/decision-file.ts";
import { qualified } from "../warehouse/duckdb.ts";
import { openReader } from "../warehouse/snapshots.ts";
import { hasMart } from "./ledger.ts";
import { WAITING } from "./review.ts";

export interface DecisionSummary {
  decision: string;
  owner: string;
  input: string;
  evaluated_at: string | null;
  rows: number;
  labels: Record<string, number>;
  statuses: Record<string, number>;
  waiting: number;
  providers: string[];
  cost_usd: number;
}

/** Per decision: what it decided and what waits, from the published snapshot (for dp brief). */
export async function summarizeDecisions(project: Project): Promise<DecisionSummary[]> {
  const decisions = loadDecisions(project);
  if (!decisions.length) return [];
  const db = await openReader(project);
  const out: DecisionSummary[] = [];
  try {
    for (const d of decisions) {
      const s: DecisionSummary = {
        decision: d.name,
        owner: d.owner,
        input: d.input,
        evaluated_at: null,
        rows: 0,
        labels: Object.fromEntries(Object.keys(d.labels).map((l) => [l, 0])),
        statuses: {},
        waiting: 0,
        providers: [],
        cost_usd: 0,
      };
      out.push(s);
      // not run yet: the summary says so
      if (!(await hasMart(db, d.name))) continue;
      const rows = await db.all<{
        label: string | null;
        status: string;
        provider: string | null;
        n: number;
        cost: number | null;
        at: string | null;
      }>(
        `SELECT label, status, provider, count(*) AS n, sum(cost_usd) AS cost, CAST(max(evaluated_at) AS VARCHAR) AS at
         FROM ${qualified("marts", d.name)} GROUP BY ALL ORDER BY ALL`,
      );
      s.evaluated_at = rows[0]?.at ?? null;
      for (const r of rows) {
        const n = Number(r.n);
        s.rows += n;
        if (r.label) s.labels[r.label] = (s.labels[r.label] ?? 0) + n;
        s.statuses[r.status] = (s.statuses[r.status] ?? 0) + n;
        if ((WAITING as readonly string[]).includes(r.status)) s.waiting += n;
        if (r.provider && !s.providers.includes(r.provider)) s.providers.push(r.provider);
        s.cost_usd += Number(r.cost ?? 0);
      }
    }
  } finally {
    db.close();
  }
  return out;
}
