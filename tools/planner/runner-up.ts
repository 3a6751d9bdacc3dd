import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { execSaid } from "./may-match.ts";

/**
 * Runner-up places (#15, batch 34): "what's our 2nd biggest plan by annual run rate", "the 2nd best month for closed
 * won this year", "third worst month for churn". The ranking is read without the place ("our biggest plan by …");
 * when it is a ranking of a metric by one of its dimensions or by period (an argmax of one), the answer is the row at
 * that place (interpretation.argmax.place), with the ones ahead of it. A place said of anything else — a list of a
 * mart's rows, "top 3" — is asked back: never the leader's number given for the runner-up.
 */
type Again = (q: string) => Plan | Refusal;

const PLACES: Record<string, number> = {
  "2nd": 2,
  second: 2,
  "3rd": 3,
  third: 3,
  "4th": 4,
  fourth: 4,
  "5th": 5,
  fifth: 5,
};
const PLACE =
  /\b(2nd|second|3rd|third|4th|fourth|5th|fifth)[\s-]+(?=(?:biggest|largest|best|worst|most|least|highest|lowest|smallest|busiest|quietest|slowest|strongest|weakest|fewest|top|greatest)\b)/i;

export function runnerUp(bare: string, catalog: Catalog, again: Again): Plan | Refusal | undefined {
  const said = execSaid(PLACE, bare);
  if (!said) return undefined;
  const place = PLACES[said[1]!.toLowerCase()]!;
  const planned = again(`${bare.slice(0, said.index)}${bare.slice(said.index + said[0].length)}`);
  const argmax = planned.status === "plan" && planned.intent === "argmax" ? planned.interpretation?.argmax : undefined;
  if (planned.status !== "plan" || !argmax || (argmax.n ?? 1) > 1)
    return {
      status: "refusal",
      reason: `"${said[0].trim()} …": a place after the first is read only in a ranking of a metric by one of its dimensions or by period (e.g. "the ${said[1]} biggest plan by MRR"); ask for the top ${place} instead`,
      known_metrics: catalog.metrics.map((m) => m.name),
      kind: "clarify",
    };
  const interpretation = planned.interpretation!;
  return {
    ...planned,
    interpretation: {
      ...interpretation,
      argmax: { ...argmax, place },
      read_as: `${interpretation.read_as}, the ${said[1]} in that ranking`,
      why: [...interpretation.why, `"${said[0].trim()}": the ${said[1]} place of the ranking, not its leader`],
    },
  };
}
