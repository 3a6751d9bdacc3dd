import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";

/**
 * "Who closed the biggest deal this year?" (#15, batch 34): the one largest deal won in the period — a row of the
 * deals — shown with its owner, never the rep with the most deals (a count) or the most won (a sum). "who has the
 * biggest open deal" is the one largest open deal with its owner, never the rep's open pipeline. Read as "the
 * biggest deal we won …" (a top_n of the deals by amount) with the owner column shown beside it (top_n's also); when
 * that is not what the planner reads, or the deals name no owner, the question is asked back — never a count.
 */
type Again = (q: string) => Plan | Refusal;

const RANKER = String.raw`(?:who|which\s+(?:sales\s+)?(?:rep|owner|salesperson|seller|ae|account\s+executive|person))`;
const SIZE = String.raw`(?:single\s+|one\s+)?(biggest|largest|top|smallest|highest[\s-]value|largest[\s-]value)`;
const WON_VERB = String.raw`(?:closed|won|landed|signed|booked|brought\s+in|got|bagged|sealed)`;
const HAS_VERB = String.raw`(?:has|had|owns|owned|holds|is\s+sitting\s+on|is\s+working|is\s+working\s+on)`;

const WHO_DEAL = new RegExp(
  String.raw`^(?:and\s+)?${RANKER}\s+(?:(${WON_VERB})|(${HAS_VERB}))\s+(?:the|our)\s+${SIZE}\s+(open\s+|live\s+)?(?:deal|win|opportunity|opp)\b(.*)$`,
  "i",
);

export function dealOwner(bare: string, catalog: Catalog, again: Again): Plan | Refusal | undefined {
  const said = WHO_DEAL.exec(
    bare
      .trim()
      .replace(/[?!.]+$/, "")
      .replace(/\s*\(.*?\)\s*$/, ""),
  );
  if (!said) return undefined;
  const [, won, has, size, open, rest = ""] = said;
  const small = /^smallest$/i.test(size!);
  const adjective = small ? "smallest" : "biggest";
  const askBack = (reason: string): Refusal => ({
    status: "refusal",
    reason,
    known_metrics: catalog.metrics.map((m) => m.name),
    kind: "clarify",
  });
  // "who closed the biggest deal": a won deal; "who has the biggest deal": an open one, and only when said open
  if (has && !open)
    return askBack(
      `"the ${adjective} deal" someone has: say whether you mean an open deal or one won (e.g. "who has the ${adjective} open deal")`,
    );
  const question = won ? `the ${adjective} deal we won${rest}` : `the ${adjective} open deal${rest}`;
  const planned = again(question);
  const call = planned.status === "plan" && planned.calls.length === 1 ? planned.calls[0] : undefined;
  const mart = call?.name === "top_n" ? catalog.models.get(String(call.input.mart)) : undefined;
  const owner = mart?.columns.find((c) => c.name === "owner" && !c.pii);
  if (planned.status !== "plan" || !call || !mart || !owner)
    return askBack(
      `"who … the ${adjective} deal" is one deal and its owner, which I can't rank here; ask for "the ${adjective} deal we won" and its owner in the CRM`,
    );
  const filters = (call.input.filters as { column: string; op: string; value: unknown }[] | undefined) ?? [];
  const isOpen = mart.columns.find((c) => c.name === "is_open");
  if (!won && !filters.some((f) => f.column === "is_open")) {
    if (!isOpen) return askBack(`the ${mart.name} say no deal open; ask for the ${adjective} deal won`);
    filters.push({ column: "is_open", op: "=", value: true });
  }
  const input = { ...call.input, n: 1, filters, also: [owner.name] };
  const interpretation = planned.interpretation && {
    ...planned.interpretation,
    read_as: `${planned.interpretation.read_as}${won ? "" : ", open deals only"}, with its owner`,
    why: [
      ...planned.interpretation.why,
      `"who … the ${adjective} deal": the one ${adjective} deal${won ? " won" : " open"} and its owner, not the rep with the most deals`,
    ],
  };
  return { ...planned, calls: [{ ...call, input }], ...(interpretation ? { interpretation } : {}) };
}
