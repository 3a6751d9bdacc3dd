/**
 * Rows counted by a bound on a column of theirs said by its name (#15, batch 38): "how many subscriptions have more
 * than 5 seats" (quantity, by its synonym), "how many customers have at least two subscriptions", "how many accounts
 * have more than $10k of open pipeline". The mart is the noun counted ("how many <rows>"), the column the words after
 * the figure; every other word must be placed, else undefined (left to the other readings, which ask back).
 */
import type { Catalog } from "../../engine/catalog/catalog.ts";
import { boundOp } from "./bound-op.ts";
import { figureValue } from "./figure.ts";
import { NUMBER_WORDS } from "./periods.ts";
import { wordsOf } from "./text.ts";
import { testSaid } from "./may-match.ts";

export type RowBound = {
  mart: string;
  measure: string;
  label: string;
  filters: { column: string; op: string; value: number }[];
};

const NUMERIC = /^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;
const COUNTED = /^(?:how\s+many|number\s+of|count\s+of)\s+([a-z]+)\b(.*)$/;
const BOUND =
  /^(.*?)\b(more\s+than|over|above|at\s+least|fewer\s+than|less\s+than|under|below|at\s+most)\s+(\$\s?\d[\d,]*(?:\.\d+)?\s?[km]?|\d[\d,]*(?:\.\d+)?\s?[km]?|[a-z]+)\s+(?:(?:of|in)\s+)?([a-z][a-z ]*?)\s*$/;
/** words that say nothing more once the rows, the bound and the column are placed */
const FREE =
  /^(?:have|has|had|with|are|is|there|do|does|we|that|which|who|currently|now|right|got|carry|hold|holding)$/;
const stems = (p: string) =>
  wordsOf(p.toLowerCase())
    .map((w) => w.stem)
    .join(" ");

/** The count of a mart's rows kept to a bound on a column said by name, or undefined. */
export function rowBound(question: string, catalog: Catalog): RowBound | undefined {
  const counted = COUNTED.exec(question.toLowerCase().replace(/[?!.]+$/, ""));
  if (!counted) return undefined;
  const noun = stems(counted[1]!);
  const mart = catalog.marts().find((m) => stems(m.name.replaceAll("_", " ")) === noun);
  if (!mart) return undefined;
  const bound = BOUND.exec(counted[2]!);
  if (!bound) return undefined;
  const said = stems(bound[4]!);
  const column = mart.columns.find(
    (c) =>
      (!c.type || NUMERIC.test(c.type)) &&
      [c.name.replaceAll("_", " "), ...(c.synonyms ?? [])].some((p) => stems(p) === said),
  );
  if (!column) return undefined;
  const figure = bound[3]!;
  const value = /^[a-z]+$/.test(figure) ? NUMBER_WORDS[figure] : figureValue(figure);
  if (value === undefined || !Number.isFinite(value)) return undefined;
  // a money mark on a column of no money ("more than $5 seats") is no bound read
  if (/\$/.test(figure) && !column.currency_column && !/amount|mrr|arr|revenue|pipeline/.test(column.name))
    return undefined;
  const left = bound[1]!.split(/\s+/).filter((w) => w && !testSaid(FREE, w));
  if (left.length) return undefined;
  const label = mart.columns.find((c) => /_id$/.test(c.name) && !c.pii)?.name ?? column.name;
  return {
    mart: mart.name,
    measure: column.name,
    label,
    filters: [{ column: column.name, op: boundOp(bound[2]!.replace(/\s+/g, " ")), value }],
  };
}
