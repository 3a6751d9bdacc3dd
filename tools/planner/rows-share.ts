import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { rowsInterpretation } from "./understand.ts";

/**
 * "What fraction of our paying customers are past due?", "what % of customers are in Germany" (#15, batch 41): the
 * share of the paying customers (status active or past due, as "paying" says in the mart's value synonyms) that are
 * a status or a value now — the kept rows counted over the paying rows counted. Read only when the part is among the
 * paying ones (a status outside them, "churned", is no share of them) and the whole is said as the paying customers
 * alone ("our German customers" as the whole is left as typed).
 */
const SHARE_OF_ROWS =
  /^(?:what|which)\s+(?:%|percent(?:age)?|share|proportion|fraction|part|portion)\s+of\s+(?:(?:all\s+)?(?:our|the)\s+|all\s+)?(?:(?:paying|current|active)\s+)?customers\s+(?:are|is)\s+(?:now\s+|currently\s+)?(.+?)(?:\s+(?:right\s+now|now|currently|today|at\s+the\s+moment|as\s+of\s+today))?\s*[?.!]*$/i;

type RowsInput = Parameters<typeof rowsInterpretation>[0] & {
  filters?: { column: string; op: string; value: unknown }[];
};

export function rowsShare(
  text: string,
  catalog: Catalog,
  at: Date,
  read: (q: string) => Plan | Refusal,
): Plan | undefined {
  const m = SHARE_OF_ROWS.exec(text.trim());
  if (!m) return undefined;
  const mart = catalog.models.get("customers");
  const paying = mart?.columns.find((c) => c.name === "status")?.value_synonyms?.paying;
  if (!mart || !paying?.length) return undefined;
  // ("how many customers are in Germany" is read as the paying ones only when "paying" is said)
  const asCustomers = read(`how many customers are ${m[1]}`);
  const part = asCustomers.status === "plan" ? asCustomers : read(`how many paying customers are ${m[1]}`);
  if (part.status !== "plan" || part.intent !== "count_rows" || part.calls.length !== 1) return undefined;
  const input = part.calls[0]!.input as RowsInput;
  if (input.mart !== "customers") return undefined;
  const filters = input.filters ?? [];
  const statuses = filters.filter((f) => f.column === "status");
  if (statuses.length !== 1) return undefined;
  const kept = [statuses[0]!.value].flat().map(String);
  if (!kept.every((v) => paying.includes(v as never))) return undefined;
  const all = { column: "status", op: "in", value: [...paying] };
  const whole = { ...input, filters: [all] };
  // the part's rows: a value said of another column is kept among the paying ones ("in Germany" reads status paying)
  const partInput = { ...input, filters };
  if (filters.length === 1 && kept.length === paying.length) return undefined;
  const interpretation = rowsInterpretation(partInput, catalog, at, true, [
    `"${m[0]!.trim()}": a share of the paying customers (status ${paying.join(" or ")}), the kept rows over them all`,
  ]);
  return {
    status: "plan",
    intent: "count_rows",
    calls: [
      { ...part.calls[0]!, input: partInput },
      { role: "share", name: "top_n", input: whole },
    ],
    interpretation: {
      ...interpretation,
      read_as: `${interpretation.read_as}, as a share of all paying customers (status ${paying.join(" or ")})`,
      check: { kind: "share_of", of: "rows" },
    },
  };
}
