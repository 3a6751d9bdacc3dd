import type { Plan, Refusal } from "./plan-types.ts";
import { execSaid } from "./may-match.ts";

/**
 * The MRR bridge of a period (#15, batch 42): "walk me through the MRR bridge for October", "MRR waterfall for Q3",
 * "the ARR roll-forward for last month". A bridge is the opening stock, each movement over the period (new,
 * reactivation, expansion, contraction, churned) and the closing stock — opening + new + reactivation + expansion −
 * contraction − churned = closing — so it is read as those seven numbers: the stock at the start of the period, the
 * movements summed over it and the stock at its end, each stated. Only a named period is read (a bridge with none is
 * left as typed, to be asked back; so is an ARR bridge).
 */
const MONTH =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const PERIOD = `((?:(?:this|last|the\\s+(?:previous|prior|last))\\s+(?:year|quarter|month))|q[1-4](?:\\s+\\d{4})?|${MONTH}(?:\\s+\\d{4})?|\\d{4}|h[12](?:\\s+\\d{4})?)`;
const BRIDGE = /\b(mrr|arr|revenue|recurring\s+revenue)\s+(?:bridge|waterfall|roll[-\s]?forward|walk)\b/i;
const PERIOD_OF = new RegExp(`\\b(?:for|in|of|over|during|across)\\s+${PERIOD}\\b`, "i");
const PERIOD_BEFORE = new RegExp(
  `\\b${PERIOD}(?:'s)?\\s+(?:mrr|arr|revenue|recurring\\s+revenue)\\s+(?:bridge|waterfall|roll[-\\s]?forward|walk)\\b`,
  "i",
);

type Read = (question: string) => Plan | Refusal;

export function mrrBridge(typed: string, read: Read): Plan | undefined {
  const text = typed.replace(/[‘’]/g, "'");
  const bridge = execSaid(BRIDGE, text);
  if (!bridge) return undefined;
  const period = (execSaid(PERIOD_OF, text) ?? execSaid(PERIOD_BEFORE, text))?.[1];
  if (!period) return undefined;
  // (an ARR bridge would need each movement × 12, which no metric states: left as typed)
  if (/^arr$/i.test(bridge[1]!)) return undefined;
  const [stock, flows] = ["MRR", "MRR"];
  const parts = [
    read(`${stock} at the start of ${period}`),
    read(
      `new ${flows}, reactivation ${flows}, expansion ${flows}, contraction ${flows} and churned ${flows} in ${period}`,
    ),
    read(`${stock} at the end of ${period}`),
  ];
  if (!parts.every((p): p is Plan => p.status === "plan" && p.intent === "metric" && !!p.interpretation))
    return undefined;
  const [opening, moves, closing] = parts;
  const openingAt = opening.interpretation!.read_as;
  const closingAt = closing.interpretation!.read_as;
  return {
    status: "plan",
    intent: "metric",
    calls: parts.flatMap((p) => p.calls.filter((c) => c.role !== "trend")),
    interpretation: {
      ...moves.interpretation!,
      read_as: `the ${stock} bridge: opening ${openingAt.replace(/,.*$/, "")}; the movements (${moves.interpretation!.read_as.replace(/,\s*test accounts excluded$/, "")}); closing ${closingAt.replace(/,.*$/, "")} — opening + new + reactivation + expansion − contraction − churned = closing`,
      why: [
        ...moves.interpretation!.why,
        `"${bridge[0]}": the opening ${stock}, each movement over ${period} and the closing ${stock}, each stated`,
      ],
    },
  };
}
