import type { Catalog } from "../../engine/catalog/catalog.ts";
import { NUMBER_WORDS } from "./periods.ts";
import { countRowsCall } from "./count-rows.ts";
import type { Plan } from "./plan-types.ts";

/**
 * "how many trials end in the next 7 days", "trials expiring within 3 days" (#15, batch 53): what is due to happen,
 * read off the rows as they stand — the live trials (the status value the catalog calls trialing) whose trial end
 * falls from now to now + N days — counted. The mart is the one with a trial end column and that status value; every
 * identifier from the catalog, the instant bound.
 */
const ENDING =
  /\btrials?\s+(?:that\s+|which\s+)?(?:are\s+)?(?:end|ends|ending|expire|expires|expiring|finish|finishing|run\s+out|running\s+out|due\s+to\s+end|converting|up)\s+(?:in|within|over|during)\s+the\s+next\s+(\d{1,2}|[a-z]+)\s+days?\b/;

function stamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

export function trialsEnding(text: string, catalog: Catalog, at: Date): Plan | undefined {
  const m = ENDING.exec(text.toLowerCase());
  if (!m) return undefined;
  const days = /^\d+$/.test(m[1]!) ? Number(m[1]) : NUMBER_WORDS[m[1]!];
  if (!days || days > 90) return undefined;
  // the status value called trialing (customers.status value_synonyms), and the mart whose rows end a trial
  const trialing = [...catalog.models.values()]
    .flatMap((x) => x.columns)
    .map((c) => c.value_synonyms?.trialing)
    .find((v) => v?.length);
  const mart = [...catalog.models.values()].find(
    (x) =>
      x.schema === "marts" &&
      x.columns.some((c) => /^trial_end/.test(c.name)) &&
      x.columns.some((c) => c.name === "status"),
  );
  const end = mart?.columns.find((c) => /^trial_end/.test(c.name))?.name;
  if (!trialing || !mart || !end) return undefined;
  const until = new Date(at.getTime() + days * 86_400_000);
  const label = mart.columns.find((c) => /_id$/.test(c.name))?.name ?? end;
  const measure = mart.columns.find((c) => c.name === "mrr")?.name ?? end;
  return {
    status: "plan",
    intent: "count_rows",
    calls: [
      countRowsCall(
        mart,
        measure,
        [
          { column: "status", op: "in", value: trialing },
          { column: end, op: ">=", value: stamp(at) },
          { column: end, op: "<", value: stamp(until) },
        ],
        { label },
      ),
    ],
    interpretation: {
      metric: mart.name,
      metric_label: "Trials ending",
      kind: "stock",
      period: {
        text: `the next ${days} days`,
        start: stamp(at).slice(0, 10),
        end: stamp(until).slice(0, 10),
        to_date: false,
      },
      filters: [],
      grain: null,
      group_by: [],
      argmax: null,
      why: [`trials due to end: ${mart.name}.${end} from now to ${days} days on`],
      read_as: `Trials ending: ${mart.name} in status ${trialing.join(" or ")} whose ${end} falls from now (${stamp(at)} UTC) to ${days} days on (${stamp(until)} UTC), counted`,
    },
  };
}
