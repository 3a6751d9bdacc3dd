/** Question text → lowercase words with their offsets; stems fold simple plurals so "customers" meets "customer". */
export interface Word {
  text: string;
  stem: string;
  start: number;
  end: number;
}

export function normalize(question: string): string {
  return question.toLowerCase().replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, " ").trim();
}

export function stem(word: string): string {
  if (word.length > 3 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

export function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/[a-z0-9]+(?:'[a-z0-9]+)*/g)) {
    const t = m[0].replace(/'s$/, "");
    out.push({ text: t, stem: stem(t), start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const phraseCache = new Map<string, string[]>();

/** Pure, and asked for the same catalog phrases on every question: cached per process, frozen since callers share it. */
export function phraseStems(phrase: string): string[] {
  let stems = phraseCache.get(phrase);
  if (!stems) {
    stems = Object.freeze(wordsOf(normalize(phrase.replaceAll("_", " "))).map((w) => w.stem)) as string[];
    phraseCache.set(phrase, stems);
  }
  return stems;
}

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
