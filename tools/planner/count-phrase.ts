import type { Catalog } from "../../engine/catalog/catalog.ts";
import { matchMetrics } from "./match.ts";
import { wordsOf } from "./text.ts";

const IRREGULAR: Record<string, string> = {
  lose: "lost",
  win: "won",
  get: "got",
  leave: "left",
  sell: "sold",
  bring: "brought",
  keep: "kept",
};

function pastOf(verb: string): string[] {
  if (IRREGULAR[verb]) return [IRREGULAR[verb]];
  if (verb.endsWith("ed") || Object.values(IRREGULAR).includes(verb)) return [verb];
  return [verb.endsWith("e") ? `${verb}d` : `${verb}ed`];
}

const PATTERNS = [
  /\bhow many ([a-z]+) (?:did|have|has|had) (?:we|you|they|the company|acme) ([a-z]+)\b/g,
  /\bhow many ([a-z]+) ([a-z]+ed|lost|won|left)\b/g,
];

/**
 * "how many customers did we lose" → "lost customers", "how many customers churned" → "churned customers":
 * the verb names the metric, not "how many customers". Rewritten only when the project has that exact
 * phrase for exactly one metric, so a synonym like "how many customers left" keeps its meaning.
 */
export function rewriteCountQuestions(text: string, catalog: Catalog): string {
  let out = text;
  for (const re of PATTERNS) {
    out = out.replace(re, (whole, noun: string, verb: string) => {
      for (const past of pastOf(verb)) {
        for (const phrase of [`${past} ${noun}`, `${noun} ${past}`]) {
          const words = wordsOf(phrase);
          const hits = matchMetrics(words, catalog);
          // "number of" keeps the question's ask for a count ("how many deals did we win on average" is no deal size)
          if (hits.length === 1 && hits[0]!.length === words.length) return `number of ${phrase}`;
        }
      }
      return whole;
    });
  }
  return out;
}
