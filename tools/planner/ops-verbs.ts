import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { replaceSaid, testSaid } from "./may-match.ts";

/**
 * Verbs and plain phrases people use for a metric's question when they don't know its name (issue #15, batch 24):
 *   - "did anyone cancel last month": "anyone" is the customers — read only when the verb names a count of customers
 *     (churned, reactivated, new customers …), so "did anyone close a deal" is not read as customers;
 *   - "which plan brings in the most money right now": money a plan brings in now is its MRR (the present tense: a
 *     run rate; "brought in" last month is a flow and is left as typed);
 *   - "which company was our biggest win this year": the largest won deal, named by its company — only when the
 *     deals' mart has a company column, else asked back.
 */
type Again = (q: string) => Plan | Refusal;

const ANYONE =
  /\b(did|has|have|does|do|was|were|is|are|will)\s+(?:any\s*one|anybody|any\s+body|someone|somebody)\s+(?=[a-z])/i;

/** "did anyone cancel last month" read as "did any customers cancel last month", when that is a customer count */
export function anyoneRead(bare: string, catalog: Catalog, again: Again): Plan | undefined {
  if (!testSaid(ANYONE, bare)) return undefined;
  const text = replaceSaid(bare, ANYONE, (_m, aux: string) => `${aux} any customers `);
  const planned = again(text);
  if (planned.status !== "plan" || !planned.interpretation) return undefined;
  const metric = catalog.metrics.find((m) => m.name === planned.interpretation!.metric);
  // only a count of customers answers "did anyone …": yes when it is above zero, with the count
  if (!metric || !/_customers$/.test(metric.name) || metric.format === "percent") return undefined;
  return {
    ...planned,
    interpretation: {
      ...planned.interpretation,
      why: [...planned.interpretation.why, `"anyone": the customers, counted (yes when the count is above zero)`],
    },
  };
}

const BRINGS_IN_MOST =
  /\b(?:brings?|bringing|makes?\s+us|earns?\s+us|earns?)\s+(?:in\s+)?(?:us\s+)?the\s+(most|least)\s+(?:money|revenue|cash|dollars)\b/g;

/** "which plan brings in the most money (right now)" is "which plan has the most MRR" */
export function bringsInMost(text: string): string {
  if (!/^(?:which|what)\b/i.test(text.trim())) return text;
  return replaceSaid(text, BRINGS_IN_MOST, (_m, most: string) => `has the ${most} MRR`);
}

const COMPANY_WIN =
  /^(?:which|what)\s+(?:company|customer|client|account|logo)\s+(?:was|is|were|has\s+been|had|gave\s+us)\s+(?:our|the)\s+(biggest|largest|top|smallest)\s+(?:win|won\s+deal|deal\s+won|deal)\b(.*)$/i;

/** "which company was our biggest win this year": the largest won deal, labelled by its company */
export function companyOfWin(bare: string, catalog: Catalog, again: Again): Plan | Refusal | undefined {
  const said = COMPANY_WIN.exec(bare.trim().replace(/[?!.]+$/, ""));
  if (!said) return undefined;
  const [, adjective, rest] = said;
  const planned = again(`the ${adjective} deal we won${rest}`);
  if (planned.status !== "plan") return undefined;
  const call = planned.calls[0];
  if (planned.calls.length !== 1 || call?.name !== "top_n") return undefined;
  const mart = catalog.models.get(String(call.input.mart));
  const company = mart?.columns.find((c) => /^(?:company_name|company)$/.test(c.name) && !c.pii);
  if (!company)
    return {
      status: "refusal",
      reason: `"which company": the ${String(call.input.mart)} I rank name no company; ask for the ${adjective} won deal by its name`,
      known_metrics: catalog.metrics.map((m) => m.name),
      kind: "clarify",
    };
  const interpretation = planned.interpretation && {
    ...planned.interpretation,
    read_as: `${planned.interpretation.read_as}, named by its company (${company.name})`,
  };
  return {
    ...planned,
    calls: [{ ...call, input: { ...call.input, label: company.name } }],
    ...(interpretation ? { interpretation } : {}),
  };
}

const CAME_IN_WENT_OUT =
  /\b(?:(?:the\s+)?money\s+(?:that\s+)?)?(?:came|come|comes|coming|went)\s+in\s+(?:vs\.?|versus|against|and|compared\s+(?:to|with))\s+(?:how\s+much\s+|what\s+)?(?:(?:the\s+)?money\s+(?:that\s+)?)?(?:went|go|goes|going|gone|came)\s+(?:back\s+)?out\b/g;
const MONEY_IN_VERB =
  /\b(?:take|takes|took|taken|taking|bring|brings|brought|bringing|collect|collects|collected|collecting)\s+in\b|\b(?:came|come|comes|coming)\s+in\b/;
// "how much went back out last month": the money paid back (never "back" alone, which says nothing of money)
const WENT_BACK_OUT =
  /\b(?:(?:the\s+)?money\s+(?:that\s+)?)?(?:went|goes|go|going|gone|was\s+paid|got\s+paid)\s+back\s+out\b/g;
const BEFORE_REFUNDS = /,?\s*\b(?:before|gross\s+of)\s+(?:any\s+)?refunds\b/;

/**
 * "how much came in vs went back out": what came in set against what went back out is the payments before refunds
 * against the refunds (the catalog's revenue collected is already net of the refunds, so setting it against them
 * would take them out twice); "how much did we take in …, before refunds": the payments before refunds.
 */
export function moneyInOut(text: string): string {
  let out = replaceSaid(text, CAME_IN_WENT_OUT, "gross payments vs refunds").replace(WENT_BACK_OUT, "refunds");
  if (testSaid(BEFORE_REFUNDS, out) && testSaid(MONEY_IN_VERB, out))
    out = replaceSaid(out, BEFORE_REFUNDS, "").replace(MONEY_IN_VERB, "collected before refunds");
  return out;
}

const PRIORITY_SAID = /\b(?:high[\s-]+priority|priority|urgent|escalations?|escalated|p[0-2])\b/i;

/**
 * "high priority tickets currently open": the open tickets are counted over every priority (the stock has no split
 * by priority), so a priority said with them is asked back — never the open tickets of all priorities, nor the
 * high-priority tickets opened in a period.
 */
export function openByPriority(typed: string, planned: Plan, catalog: Catalog): Refusal | undefined {
  if (!testSaid(PRIORITY_SAID, typed)) return undefined;
  if (!planned.calls.some((c) => c.input.metric === "open_tickets")) return undefined;
  return {
    status: "refusal",
    reason:
      "open tickets are counted over every priority: the catalog has no open tickets by priority (high-priority tickets are counted as opened in a period)",
    known_metrics: catalog.metrics.map((m) => m.name),
    kind: "clarify",
  };
}
