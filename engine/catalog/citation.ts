import type { FreshnessStatus } from "../ingest/freshness.ts";
import type { Catalog, WarehouseStatus } from "./catalog.ts";

export interface CitedSource {
  source: string;
  stream: string;
  freshness: FreshnessStatus;
  last_success_at: string | null;
  error_after: string | null;
}

export interface CitedTest {
  id: string;
  model: string;
  status: "pass" | "fail" | "warn" | "error";
  message: string;
}

export interface Citation {
  /** schema.name of the model read */
  model: string;
  /** models it reads directly */
  parents: string[];
  /** all upstream models, nearest last */
  upstream: string[];
  sources: CitedSource[];
  /** oldest last successful pull of its sources, as recorded by the last successful build */
  as_of: string | null;
  built_at: string | null;
  /** the last build of this model failed: the live table is the previous version */
  last_build_failed: boolean;
  tests: { passed: number; total: number; failing: CitedTest[]; warnings: CitedTest[] };
}

/** Where a number read from a model comes from and how far to trust it: lineage, as-of, freshness, tests. */
export function citeModel(catalog: Catalog, status: WarehouseStatus, name: string): Citation {
  const model = catalog.model(name);
  const fresh = new Map(catalog.freshness().map((f) => [f.source, f]));
  const scope = new Set([name, ...model.upstreamModels]);
  const tests = status.tests.filter((t) => scope.has(t.model));
  const cited = (t: (typeof tests)[number]): CitedTest => ({
    id: t.test_id,
    model: t.model,
    status: t.status,
    message: t.message,
  });
  const ok = status.lastSuccess.get(name);
  return {
    model: `${model.schema}.${model.name}`,
    parents: catalog.parents(name).map((n) => `${catalog.model(n).schema}.${n}`),
    upstream: model.upstreamModels.map((n) => `${catalog.model(n).schema}.${n}`),
    sources: model.sources.map((s) => {
      const f = fresh.get(s.source);
      return {
        ...s,
        freshness: f?.status ?? "unknown",
        last_success_at: f?.lastSuccessAt ?? null,
        error_after: f?.errorAfter ?? null,
      };
    }),
    as_of: ok?.as_of ?? ok?.built_at ?? null,
    built_at: ok?.built_at ?? null,
    last_build_failed: status.lastRun.get(name)?.status === "failed",
    tests: {
      passed: tests.filter((t) => t.status === "pass" || t.status === "warn").length,
      total: tests.length,
      failing: tests.filter((t) => t.status === "fail" || t.status === "error").map(cited),
      warnings: tests.filter((t) => t.status === "warn").map(cited),
    },
  };
}

/** Reasons an answer built on these citations must not be taken at face value. */
export function qualityIssues(citations: Citation[]): string[] {
  const issues: string[] = [];
  const seenTests = new Set<string>();
  const seenSources = new Set<string>();
  for (const c of citations) {
    const failing = c.tests.failing.filter((t) => !seenTests.has(t.id));
    failing.forEach((t) => seenTests.add(t.id));
    if (failing.length) {
      const list = failing
        .slice(0, 3)
        .map((t) => `${t.id}: ${t.message}`)
        .join("; ");
      issues.push(
        `${failing.length} data test${failing.length > 1 ? "s" : ""} failing on ${c.model} or its inputs (${list}${failing.length > 3 ? "; …" : ""})`,
      );
    }
    if (c.last_build_failed)
      issues.push(`the last build of ${c.model} failed; it still holds the previous build's data`);
    for (const s of c.sources) {
      if (s.freshness !== "error" || seenSources.has(s.source)) continue;
      seenSources.add(s.source);
      issues.push(
        `source ${s.source} is past its freshness SLA (last pull ${s.last_success_at ?? "never"}, error after ${s.error_after ?? "?"})`,
      );
    }
  }
  return issues;
}
