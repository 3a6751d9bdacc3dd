import type { Catalog, CatalogModel } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { findPhrase, phraseStems, type Word } from "./text.ts";

export interface Match<T> {
  item: T;
  /** word span */
  from: number;
  to: number;
  /** char span in the normalized question */
  start: number;
  end: number;
  length: number;
  phrase: string;
}

function matchPhrases<T>(words: Word[], items: { item: T; phrases: string[] }[]): Match<T>[] {
  const all: Match<T>[] = [];
  for (const { item, phrases } of items) {
    for (const p of new Set(phrases.map((x) => x.toLowerCase()))) {
      const stems = phraseStems(p);
      for (const [from, to] of findPhrase(words, stems)) {
        all.push({ item, from, to, start: words[from]!.start, end: words[to - 1]!.end, length: to - from, phrase: p });
      }
    }
  }
  // longest first, then earliest: greedy non-overlapping pick
  all.sort((a, b) => b.length - a.length || a.from - b.from);
  const picked: Match<T>[] = [];
  for (const m of all) if (!picked.some((p) => m.from < p.to && m.to > p.from)) picked.push(m);
  return picked.sort((a, b) => a.from - b.from);
}

export function metricPhrases(m: MetricDef): string[] {
  return [m.name, m.name.replaceAll("_", " "), ...(m.label ? [m.label] : []), ...m.synonyms];
}

export function matchMetrics(words: Word[], catalog: Catalog): Match<MetricDef>[] {
  return matchPhrases(
    words,
    catalog.metrics.map((m) => ({ item: m, phrases: metricPhrases(m) })),
  );
}

/** Marts by name, and by their name's last word ("deals" finds pipeline_deals) when that is unambiguous. */
export function matchMarts(words: Word[], catalog: Catalog): Match<CatalogModel>[] {
  const marts = catalog.marts();
  const tails = new Map<string, CatalogModel[]>();
  for (const m of marts) {
    const tail = m.name.split("_").at(-1)!;
    tails.set(tail, [...(tails.get(tail) ?? []), m]);
  }
  return matchPhrases(
    words,
    marts.map((m) => {
      const tail = m.name.split("_").at(-1)!;
      return {
        item: m,
        phrases: [m.name, m.name.replaceAll("_", " "), ...(tails.get(tail)!.length === 1 ? [tail] : [])],
      };
    }),
  );
}

export function matchModels(words: Word[], catalog: Catalog): Match<CatalogModel>[] {
  return matchPhrases(
    words,
    [...catalog.models.values()].map((m) => ({ item: m, phrases: [m.name, m.name.replaceAll("_", " ")] })),
  );
}

/** A dimension named in words: "plan" finds plan, plan_name or plan_tier. */
export function dimensionFor(phrase: string, dimensions: string[]): string | undefined {
  const target = phraseStems(phrase).join(" ");
  if (!target) return undefined;
  const forms = (d: string) => {
    const base = phraseStems(d).join(" ");
    const trimmed = phraseStems(d.replace(/_(name|id|tier|type|code|key)$/, "")).join(" ");
    return [base, trimmed];
  };
  return dimensions.find((d) => forms(d)[0] === target) ?? dimensions.find((d) => forms(d)[1] === target);
}
