import type { CatalogModel } from "../../engine/catalog/catalog.ts";
import type { PlannedCall } from "./plan-types.ts";

export type RowFilter = { column: string; op: string; value: string | number | boolean | string[] };

/**
 * The rows of a mart kept to filters, counted: top_n's count of the rows kept (its one row named by `label`, by
 * default the mart's first non-personal `…name` column) or, with `mean`, the mean of `measure` over them. One call
 * for every reader that counts rows (plan.ts, aged-rows.ts, trials-ending.ts).
 */
export function countRowsCall(
  mart: CatalogModel,
  measure: string,
  // the tool's zod input checks each value; readers hand theirs as read (a catalog value, a bound, a list)
  filters: { column: string; op: string; value: unknown }[],
  options: { label?: string; mean?: boolean } = {},
): PlannedCall {
  const label = options.label ?? mart.columns.find((c) => /name$/.test(c.name) && !c.pii)?.name ?? measure;
  return {
    role: "main",
    name: "top_n",
    input: {
      mart: mart.name,
      measure,
      label,
      n: 1,
      direction: "top",
      ...(options.mean ? { mean: true } : {}),
      filters,
    },
  };
}
