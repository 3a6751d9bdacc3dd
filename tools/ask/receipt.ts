import type { WarehouseStatus } from "../../engine/catalog/catalog.ts";
import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Citation, CitedTest } from "../citations.ts";

export interface TestSummary {
  passed: number;
  total: number;
  failing: CitedTest[];
}

export function utcMinute(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "unknown";
}

export function lineageLine(c: Citation): string {
  const raw = c.sources.length ? ` ← raw ${c.sources.map((s) => `${s.source}.${s.stream}`).join(", ")}` : "";
  const deeper = c.upstream.length > c.parents.length ? " ← …" : "";
  return `${c.model}${c.parents.length ? ` ← ${c.parents.join(", ")}${deeper}` : ""}${raw}`;
}

/** Latest result of every test on the cited models and everything upstream of them, each test once. */
export function testSummary(catalog: Catalog, status: WarehouseStatus, citations: Citation[]): TestSummary {
  const scope = new Set<string>();
  for (const c of citations) {
    const name = c.model.split(".").at(-1)!;
    scope.add(name);
    for (const u of catalog.models.get(name)?.upstreamModels ?? []) scope.add(u);
  }
  const tests = status.tests.filter((t) => scope.has(t.model));
  return {
    passed: tests.filter((t) => t.status === "pass" || t.status === "warn").length,
    total: tests.length,
    failing: tests
      .filter((t) => t.status === "fail" || t.status === "error")
      .map((t) => ({ id: t.test_id, model: t.model, status: t.status, message: t.message })),
  };
}

/** The oldest as_of among the cited models: the answer is no fresher than its stalest input. */
export function oldestAsOf(citations: Citation[]): string | null {
  const all = citations
    .map((c) => c.as_of)
    .filter((x): x is string => !!x)
    .sort();
  return all[0] ?? null;
}

export function receiptLines(citations: Citation[], tests: TestSummary, costUsd: number, latencyMs: number): string[] {
  const lines: string[] = [];
  const shown = citations.slice(0, 3);
  for (const c of shown) lines.push(`source: ${lineageLine(c)}`);
  if (citations.length > shown.length) lines.push(`source: … and ${citations.length - shown.length} more models`);
  const sources = new Map<string, string>();
  for (const c of citations) for (const s of c.sources) sources.set(s.source, s.freshness);
  const fresh = [...sources].map(([s, f]) => `${s}: ${f}`).join(", ");
  const parts = [
    `data as of ${utcMinute(oldestAsOf(citations))}${fresh ? ` (${fresh})` : ""}`,
    `tests: ${tests.passed}/${tests.total} passed`,
    `$${costUsd.toFixed(3)}`,
    `${(latencyMs / 1000).toFixed(1)} s`,
  ];
  if (citations.length) lines.push(parts.join(" · "));
  else lines.push(parts.slice(2).join(" · "));
  return lines;
}
