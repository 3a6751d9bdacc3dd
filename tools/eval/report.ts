import type { CaseResult, EvalReport } from "./run-cases.ts";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

export function caseLine(c: CaseResult, idWidth: number): string {
  const mark = c.passed ? "✓" : c.outcome === "wrong_number" ? "✗!" : "✗";
  const cost = c.cost_usd ? ` $${c.cost_usd.toFixed(4)}` : "";
  const head = `${mark} ${c.id.padEnd(idWidth)}  ${cut(c.expected, 46)}  ${cut(c.actual, 22)} ${String(c.latency_ms).padStart(5)} ms${cost}`;
  return c.passed ? head : `${head}\n    ${c.question}\n    ${c.why}`;
}

export function headerLine(idWidth: number): string {
  return `  ${"case".padEnd(idWidth)}  ${"expected".padEnd(46)}  ${"got".padEnd(22)} ${"latency".padStart(8)}`;
}

/** "dev: 142/150 (94.7%) — correct 120, correct_refusal 22, wrong_number 3, answered_refusable 0, refused_answerable 4, error 1" */
export function setLines(r: EvalReport): string[] {
  return Object.entries(r.sets).map(
    ([set, s]) =>
      `${set}: ${s.passed}/${s.total} (${pct(s.accuracy)}) — ${Object.entries(s.outcomes)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}`,
  );
}

export function totalsLines(r: EvalReport): string[] {
  const lat = r.latency_ms;
  return [
    ...setLines(r),
    `${r.passed}/${r.total} passed (${pct(r.accuracy)}; threshold ${pct(r.threshold)}) — ${r.ok ? "ok" : "BELOW THRESHOLD"}`,
    `  answers: tool call ${r.answers.tool_ok}/${r.answers.total}, value ${r.answers.value_ok}/${r.answers.total}; refusals: ${r.refusals.refused}/${r.refusals.total} refused, ${r.refusals.false_refusals} false refusal${r.refusals.false_refusals === 1 ? "" : "s"}`,
    `  planner ${r.planner} · cost $${r.cost_usd.toFixed(4)} · latency p50 ${lat.p50} ms, p95 ${lat.p95} ms, max ${lat.max} ms`,
    ...(r.data_note ? [`  note: ${r.data_note}`] : []),
  ];
}
