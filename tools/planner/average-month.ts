import type { Plan, PlannedCall, Refusal } from "./plan-types.ts";
import { execSaid } from "./may-match.ts";

/**
 * "How does October's new MRR compare to our average month this year", "new customers in October compared to the
 * average of the year", "was October a busier month for support than our average this year" (#15, batch 31): one
 * month's value set beside the metric's mean per month over the year's whole months (the month still running left
 * out). Each side is read on its own — the month as the metric in that month, the average as "average monthly
 * <metric> this year" — and both are stated, the month first. Only a metric summed over its months has an average
 * month (a rate or a stock "per month" is no mean of months here): anything else is left to ask back.
 */

const MONTHS =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
/** the year whose average month is meant: this year unless one is named */
const YEAR = String.raw`(?:(?:(?:this|the)\s+)?year|(?:in\s+|of\s+)?(20\d\d)|so\s+far\s+this\s+year|ytd)`;
const AVERAGE = String.raw`(?:our|the|an?)\s+(?:average|avg|typical|mean|normal)(?:\s+month)?`;

/** "(how does) A compare to / vs / compared with our average month (this year | of the year)" */
const AGAINST_AVERAGE = new RegExp(
  String.raw`^(?:how\s+(?:does|did|do|is|was)\s+)?(.+?)\s+(?:compares?|compared|stacks?\s+up|stack\s+up|measures?\s+up)?\s*(?:to|with|against|vs\.?|versus)\s+${AVERAGE}(?:\s+(?:of|for|in|over)\s*)?\s*(?:${YEAR})?(?:\s+so\s+far)?$`,
  "i",
);
/** "was October a busier month for support than our average this year": tickets opened in that month */
const BUSIER = new RegExp(
  String.raw`^(?:was|is)\s+(${MONTHS})(?:\s+(20\d\d))?\s+an?\s+(?:busier|quieter|slower|bigger|heavier|lighter)\s+month\s+for\s+(?:support|the\s+support\s+team|our\s+support)\s+than\s+${AVERAGE}(?:\s+(?:of|for|in|over)\s*)?\s*(?:${YEAR})?$`,
  "i",
);

export function readAverageMonth(text: string, side: (q: string) => Plan | Refusal): Plan | undefined {
  const q = text
    .toLowerCase()
    .replace(/[?!.]+$/, "")
    .trim();
  let monthSaid: string | undefined;
  let year: string | undefined;
  const busy = execSaid(BUSIER, q);
  if (busy) {
    monthSaid = `tickets opened in ${busy[1]}${busy[2] ? ` ${busy[2]}` : ""}`;
    year = busy[3];
  } else {
    const against = execSaid(AGAINST_AVERAGE, q);
    if (!against) return undefined;
    monthSaid = against[1]!.replace(/^(?:is|was)\s+/, "");
    year = against[2];
  }
  const a = side(monthSaid);
  if (a.status !== "plan" || a.intent !== "metric" || !a.interpretation) return undefined;
  const mainA = a.calls.filter((c) => c.role === "main");
  const inA = mainA[0]?.input as Record<string, unknown> | undefined;
  // one month of one metric, no filter: "October's new MRR", never a range or a slice
  if (mainA.length !== 1 || !inA || !/^\d{4}-\d{2}$/.test(String(inA.period ?? "")) || (inA.filters as []).length)
    return undefined;
  const metric = String(inA.metric);
  const b = side(`average monthly ${metric.replaceAll("_", " ")} ${year ? `in ${year}` : "this year"}`);
  if (b.status !== "plan" || b.intent !== "average" || !b.interpretation || b.interpretation.metric !== metric)
    return undefined;
  const mainB = b.calls.filter((c) => c.role === "main");
  const inB = mainB[0]?.input as Record<string, unknown> | undefined;
  if (mainB.length !== 1 || !inB || inB.grain !== "month" || (inB.filters as []).length) return undefined;
  const mean: PlannedCall = { ...mainB[0]!, role: "mean" };
  return {
    status: "plan",
    intent: "metric",
    calls: [...a.calls, mean],
    interpretation: {
      ...a.interpretation,
      read_as: `${a.interpretation.read_as}; vs ${b.interpretation.read_as}`,
      why: [
        ...a.interpretation.why,
        `"the average month": ${b.interpretation.metric_label} averaged per month over the year's whole months, set beside the one month`,
      ],
    },
  };
}
