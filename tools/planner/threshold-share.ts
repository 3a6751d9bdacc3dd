import type { Catalog } from "../../engine/catalog/catalog.ts";
import { askBack } from "./ask-back.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";
import { rowsInterpretation } from "./understand.ts";

/**
 * "What % of our paying customers pay at least $100 a month", "what share of open deals are over 10k" (#15, batch
 * 52): a share of rows asked for, read by the planner as a count of the rows kept to the condition, states the count
 * where a percentage was asked — a wrong number. The words after "of" are split at the condition's first verb ("pay",
 * "are", "have", "with", …) into the whole ("our paying customers") and the condition ("pay at least $100 a month");
 * the condition alone, read over the same rows, names its own filters, and the whole keeps the others. Its share is
 * the part's rows over the whole's rows. When the split cannot be read, or the whole would be every row of the mart
 * ("what % of customers …": all of them ever, or the paying ones?), the question is asked back — never the count.
 */
const SHARE_ASKED =
  /(?:^|\s)(?:what|which)?\s*(?:%|pct|percent(?:age)?|share|proportion|fraction|portion|part)\s+of\s+(.+)$/;
const CONDITION_STARTS = new Set([
  "are",
  "is",
  "were",
  "was",
  "pay",
  "pays",
  "paid",
  "have",
  "has",
  "had",
  "who",
  "that",
  "which",
  "with",
  "on",
  "spend",
  "spends",
  "bring",
  "brings",
  "sit",
  "sits",
  "fall",
  "falls",
  "cost",
  "costs",
  "took",
  "take",
  "takes",
  "got",
  "get",
  "gets",
  "worth",
  "above",
  "over",
  "under",
  "below",
]);

type Row = { column: string; op: string; value: unknown };
type RowsInput = { mart: string; measure: string; filters?: Row[] } & Record<string, unknown>;

const same = (a: Row, b: Row) =>
  a.column === b.column && a.op === b.op && JSON.stringify(a.value) === JSON.stringify(b.value);

/** a count of rows (top_n counting its kept rows) with no share read yet */
function rowCount(plan: Plan | Refusal): RowsInput | undefined {
  if (plan.status !== "plan" || plan.intent !== "count_rows") return undefined;
  if (plan.calls.length !== 1 || plan.calls[0]!.name !== "top_n") return undefined;
  return plan.calls[0]!.input as RowsInput;
}

export function thresholdShare(
  typed: string,
  plan: Plan | Refusal,
  catalog: Catalog,
  at: Date,
  core: (q: string) => Plan | Refusal,
): Plan | Refusal {
  const part = rowCount(plan);
  if (!part || plan.status !== "plan") return plan;
  const text = normalize(typed)
    .replace(/[?!.]+$/, "")
    .trim();
  const m = SHARE_ASKED.exec(text);
  if (!m) return plan;
  const ask = (why: string) =>
    askBack(
      catalog,
      `"${m[0].trim()}" asks for a share of a group, and the rows kept to it are only counted; ${why}: say which ${part.mart} the share is of, or ask for the count`,
    );
  const words = m[1]!.split(/\s+/);
  const cut = words.findIndex((w, i) => i > 0 && CONDITION_STARTS.has(w));
  if (cut < 1) return ask("I can't tell the group from the condition");
  const whole = words.slice(0, cut);
  const noun =
    whole.find((w) =>
      /^(?:customers|deals|accounts|tickets|subscriptions|companies|clients|trials|invoices)$/.test(w),
    ) ?? whole.at(-1)!;
  const partFilters = part.filters ?? [];
  const condition = rowCount(core(`how many ${noun} ${words.slice(cut).join(" ")}`));
  // the condition read alone may be asked back ("deals over 10k": open, won or all?) while the whole settles it: a
  // bound on a number said in the condition only, the one bound of the part, is the condition
  const bounds = partFilters.filter((f) => /^[<>]=?$/.test(f.op) && typeof f.value === "number");
  const numberIn = (ws: string[]) => ws.some((w) => /\d/.test(w));
  const said =
    condition && condition.mart === part.mart
      ? (condition.filters ?? [])
      : bounds.length === 1 && numberIn(words.slice(cut)) && !numberIn(whole)
        ? bounds
        : undefined;
  if (!said) return ask("I can't read the condition over the same rows");
  if (!said.length || !said.every((f) => partFilters.some((g) => same(f, g))))
    return ask("I can't read the condition over the same rows");
  const rest = partFilters.filter((f) => !said.some((g) => same(f, g)));
  if (!rest.length) return ask(`the whole would be every row of ${part.mart}, ever`);
  const wholeInput = { ...part, filters: rest };
  const interpretation = rowsInterpretation(part, catalog, at, true, [
    `"${m[0].trim()}": a share of ${whole.join(" ")}, the rows kept to the condition over all of them`,
  ]);
  return {
    status: "plan",
    intent: "count_rows",
    calls: [plan.calls[0]!, { role: "share", name: "top_n", input: wholeInput }],
    interpretation: {
      ...interpretation,
      read_as: `${interpretation.read_as}, as a share of ${whole.join(" ")} (${rest.map((f) => `${f.column} ${f.op} ${Array.isArray(f.value) ? `(${f.value.join(", ")})` : String(f.value)}`).join(", ")})`,
      check: { kind: "share_of", of: "rows" },
    },
  };
}
