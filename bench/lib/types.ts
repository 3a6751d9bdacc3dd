export type Scale = "tiny" | "full";

/** One row of RESULTS.md: dp's figure next to the limit measured in the same run. */
export interface CaseResult {
  case: string;
  unit: "ms" | "MB";
  dp: number;
  /** the engine limit measured in this run; null for absolute goals */
  limit: number | null;
  goal: string;
  /** dp / limit for relative goals, else null */
  ratio: number | null;
  met: boolean;
  /** how the figure moves from 1× to 10× input, when the case measures both */
  scaling?: Scaling;
  /** the same figure measured another way (for example under a small machine's settings) */
  extraScaling?: Scaling[];
  detail?: string;
}

export interface Scaling {
  what: string;
  x1: { input: string; dp: number; limit?: number };
  x10: { input: string; dp: number; limit?: number };
  unit: "ms" | "MB";
}

export interface BenchContext {
  scale: Scale;
  /** the dp command: dist/dp, or bun cli/main.ts when --from-source */
  dp: string[];
  /** scratch space; removed at the end */
  work: string;
  log(message: string): void;
}

export function relative(
  name: string,
  unit: CaseResult["unit"],
  dp: number,
  limit: number,
  maxRatio: number,
  extra: Partial<CaseResult> = {},
): CaseResult {
  const ratio = dp / limit;
  return { case: name, unit, dp, limit, ratio, goal: `≤ ${maxRatio}×`, met: ratio <= maxRatio, ...extra };
}

export function absolute(
  name: string,
  unit: CaseResult["unit"],
  dp: number,
  max: number,
  extra: Partial<CaseResult> = {},
): CaseResult {
  return { case: name, unit, dp, limit: null, ratio: null, goal: `≤ ${max} ${unit}`, met: dp <= max, ...extra };
}
