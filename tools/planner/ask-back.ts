import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Refusal } from "./plan-types.ts";
import type { Interpretation } from "./understand.ts";

/** A question asked back (kind clarify): why, the catalog's metrics, and what the question said that was not placed. */
export function askBack(
  catalog: Catalog,
  reason: string,
  extra: { unplaced?: string[]; interpretation?: Partial<Interpretation> } = {},
): Refusal {
  return {
    status: "refusal",
    kind: "clarify",
    reason,
    known_metrics: catalog.metrics.map((m) => m.name),
    ...(extra.interpretation ? { interpretation: extra.interpretation } : {}),
    ...(extra.unplaced ? { unplaced: extra.unplaced } : {}),
  };
}
