import type { DecisionDef } from "../transform/decision-file.ts";
import type { ActRequest } from "./decider.ts";
import { display, PLACEHOLDER } from "./input-rows.ts";

export interface Applied {
  /** the authority the label runs with: a label below the threshold is only a recommendation */
  authority: "autonomous" | "recommend" | "human_required";
  /** decided · acted (its act is due) · queued (dp review) · needs_human */
  status: "decided" | "acted" | "queued" | "needs_human";
}

/** The authority map, applied to one answer. */
export function applyAuthority(decision: DecisionDef, label: string, confidence: number): Applied {
  const l = decision.labels[label]!;
  if (l.authority === "human_required") return { authority: "human_required", status: "needs_human" };
  if (l.authority === "recommend" || confidence < decision.threshold)
    return { authority: "recommend", status: "queued" };
  return { authority: "autonomous", status: l.act ? "acted" : "decided" };
}

/**
 * A label's act with `{column}` filled from the decided row (key, carried columns, label, confidence,
 * reason, decision, decision_id). Values of columns tagged pii are masked: acts leave the machine.
 */
export function fillAct(
  decision: DecisionDef,
  label: string,
  row: Record<string, unknown>,
  pii: Set<string>,
): ActRequest | undefined {
  const act = decision.labels[label]?.act;
  if (!act) return undefined;
  const values: Record<string, unknown> = { ...row, decision: decision.name };
  const fill = (v: unknown): unknown => {
    if (typeof v === "string")
      return v.replace(PLACEHOLDER, (whole, c: string) =>
        c in values ? (pii.has(c) ? "***" : display(values[c])) : whole,
      );
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return { tool: act.tool, input: fill(act.input) as Record<string, unknown> };
}
