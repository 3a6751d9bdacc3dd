import type { Catalog } from "../../engine/catalog/catalog.ts";
import { THREE_LETTER_WORDS } from "./english-words.generated.ts";
import { STOP } from "./lexicon.ts";

/**
 * A dimension's short codes that are English words ("IN" India, "IT" Italy, "NO" Norway, "AT" Austria, "IS" Iceland:
 * ISO country codes once customers.country became a metric's dimension, batch 44) are never read off the words of a
 * question: "paying customers in Germany" says no India. They stay said by their names, the column's value synonyms
 * ("india" is IN); every other value is kept as it is. The planner reads a view of the catalog without them.
 */
const SHORT_WORDS = new Set(["no", "so", "or", "oh", "hi", "id", "an", "on", "of", "if", "up", "go", "ok", "we", "he"]);
const THREE = new Set(THREE_LETTER_WORDS.split(/\s+/));
/** each catalog's view, kept while its values are the same lists (a Map set again in place is seen by its entries) */
const views = new WeakMap<Catalog, { entries: [string, string[]][]; view: Catalog }>();

function isWord(value: string): boolean {
  if (!/^[A-Z]{2,3}$/.test(value)) return false;
  const lower = value.toLowerCase();
  return STOP.has(lower) || SHORT_WORDS.has(lower) || THREE.has(lower);
}

export function withoutWordCodes(catalog: Catalog): Catalog {
  const entries = [...(catalog.dimensionValues ?? [])];
  const known = views.get(catalog);
  if (
    known &&
    known.entries.length === entries.length &&
    known.entries.every(([k, vs], i) => entries[i]![0] === k && entries[i]![1] === vs)
  )
    return known.view;
  let view = catalog;
  if (entries.some(([, vs]) => vs.some(isWord))) {
    view = Object.create(catalog) as Catalog;
    view.dimensionValues = new Map(entries.map(([k, vs]) => [k, vs.filter((v) => !isWord(v))]));
  }
  views.set(catalog, { entries, view });
  return view;
}
