import type { Catalog } from "../../engine/catalog/catalog.ts";
import { askBack } from "./ask-back.ts";
import type { Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";

/**
 * "Top 7 accounts", "bottom 3 customers" (#15, batch 52): a ranking with nothing to rank by. "Biggest" says size (the
 * planner reads MRR or amount), "top" says only best — by MRR, seats, usage, open pipeline? — so it is asked back,
 * naming the mart's numeric columns, rather than ranked by a measure the asker never named.
 */
const BARE =
  /^(?:(?:show|list|give|get)(?:\s+me)?\s+|(?:who|what|which)\s+are\s+)?(?:(?:our|the|my)\s+)?(top|bottom)\s+(\d+)\s+([a-z]+)$/;
const NUMERIC = /^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;

export function bareRanking(typed: string, catalog: Catalog): Refusal | undefined {
  const m = BARE.exec(
    normalize(typed)
      .replace(/[?!.]+$/, "")
      .trim(),
  );
  if (!m) return undefined;
  const entity = m[3]!;
  const mart = catalog.marts().find((x) => x.name === entity);
  if (!mart) return undefined;
  // the columns a row could be ranked by: numbers that are no id, count of days or flag (none with digits in its
  // name, which an answer would read as a figure)
  const measures = mart.columns
    .filter(
      (c) =>
        (c.type ? NUMERIC.test(c.type) : /mrr|arr|amount|revenue|seats|pipeline|deals|tickets/.test(c.name)) &&
        !/_id$|\d|currency/.test(c.name) &&
        !c.pii,
    )
    .map((c) => c.name.replaceAll("_", " "));
  return askBack(
    catalog,
    `"${m[0]}" names no measure to rank ${entity} by${measures.length ? ` (${measures.slice(0, 6).join(", ")}, …)` : ""}: say by which one, e.g. "${m[1]} ${entity} by ${measures[0] ?? "…"}"`,
  );
}
