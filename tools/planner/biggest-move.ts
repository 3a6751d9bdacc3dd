import type { Plan, Refusal } from "./plan-types.ts";

/**
 * "Where was the biggest drop in win rate this year", "which month had the sharpest fall in CSAT in 2026", "biggest
 * jump in new MRR this year" (#15, batch 31): the largest change from one whole month to the next within the period,
 * never the lowest (highest) month. Read as the metric by month over the period; the answer names the month after
 * the move, its value, the month before and the change (compose.ts moveLines). Only a plain series of one metric
 * with no filter or slice: anything else is left to ask back.
 */
const MOVE = new RegExp(
  String.raw`^(?:(?:where|when|in\s+which\s+month|which\s+month|what\s+month)\s+)?(?:(?:was|were|did|is|had|have|has)\s+)?(?:we\s+(?:see|get|have|had|saw)\s+)?(?:there\s+)?(?:the\s+|our\s+)?(biggest|largest|sharpest|steepest|worst|deepest|greatest)\s+(drop|fall|decline|dip|decrease|plunge|jump|rise|increase|spike|gain)\s+(?:in|of|for)\s+(?:our\s+|the\s+)?(.+?)\s+((?:this|last)\s+year|in\s+20\d\d|20\d\d|so\s+far\s+this\s+year)(?:\s+so\s+far)?$`,
  "i",
);
const DOWN = /^(?:drop|fall|decline|dip|decrease|plunge)$/i;

export function readBiggestMove(text: string, side: (q: string) => Plan | Refusal): Plan | undefined {
  const m = MOVE.exec(
    text
      .toLowerCase()
      .replace(/[?!.]+$/, "")
      .trim(),
  );
  if (!m) return undefined;
  const move = DOWN.test(m[2]!) ? "drop" : "rise";
  const period = m[4]!.replace(/^in\s+/, "").replace(/\s+so\s+far$/, "");
  const p = side(`${m[3]} by month ${/^\d/.test(period) ? `in ${period}` : period}`);
  if (p.status !== "plan" || p.intent !== "metric" || !p.interpretation) return undefined;
  const mains = p.calls.filter((c) => c.role === "main");
  const input = mains[0]?.input as Record<string, unknown> | undefined;
  if (mains.length !== 1 || !input || input.grain !== "month" || (input.filters as []).length) return undefined;
  if (((input.group_by as string[] | undefined) ?? []).length) return undefined;
  return {
    status: "plan",
    intent: "metric",
    calls: [{ ...mains[0]!, role: move }],
    interpretation: {
      ...p.interpretation,
      read_as: `${p.interpretation.read_as}, its biggest ${move} from one month to the next (the month still running left out)`,
      why: [
        ...p.interpretation.why,
        `"the biggest ${m[2]}": the largest ${move === "drop" ? "fall" : "rise"} from one whole month to the next, not the ${move === "drop" ? "lowest" : "highest"} month`,
      ],
    },
  };
}
