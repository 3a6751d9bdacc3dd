import { normalize, phraseStems, stem, type Word, wordsOf } from "../../engine/catalog/phrase-stems.ts";

export { normalize, phraseStems, stem, type Word, wordsOf };

/** Every place the phrase occurs as consecutive words: [first word index, last + 1]. */
export function findPhrase(words: Word[], stems: string[]): [number, number][] {
  if (stems.length === 0) return [];
  const hits: [number, number][] = [];
  for (let i = 0; i + stems.length <= words.length; i++) {
    if (stems.every((s, j) => words[i + j]!.stem === s)) hits.push([i, i + stems.length]);
  }
  return hits;
}

/** Replace character ranges with spaces so later patterns don't see them. */
export function blank(text: string, ranges: [number, number][]): string {
  let out = text;
  for (const [a, b] of ranges) out = out.slice(0, a) + " ".repeat(b - a) + out.slice(b);
  return out;
}
