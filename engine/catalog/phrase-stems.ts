/**
 * How the offline planner (tools/planner) reads words: two light stemmers, one for questions and catalog
 * phrases (plurals, -ed, -ing, a final e, irregular past tenses) and one for phrase matching (plurals only).
 * They live here, below tools/, so the catalog cache can store the stems of its own phrases when a snapshot
 * is published (phraseIndex), and a reader starts with them (primePhraseIndex): stemming a catalog's ≈500
 * phrases was ≈7 ms of a cold `dp ask`. Every function is pure; each word and phrase is stemmed once per
 * process, and a list handed out is frozen because every caller shares it.
 */

import { readFileSync } from "node:fs";

const stemCache = new Map<string, string>();
/** phrase → stemsOf */
const stemsCache = new Map<string, string[]>();
/** phrase → phraseStems */
const matchCache = new Map<string, string[]>();
/** phrase → rawWordsOf */
const rawCache = new Map<string, string[]>();

/**
 * The words of a question as the planner reads them: lowercase, typo-corrected against the catalog's own
 * vocabulary, and stemmed so "churned", "churn" and "churning" meet, and "lost" meets "lose".
 */
export interface Token {
  /** the word as typed (lowercase) */
  raw: string;
  /** the word after typo correction */
  word: string;
  stem: string;
  start: number;
  end: number;
}

const IRREGULAR: Record<string, string> = {
  lost: "lose",
  losing: "lose",
  won: "win",
  winning: "win",
  wins: "win",
  left: "leave",
  leaving: "leave",
  sold: "sell",
  paid: "pay",
  brought: "bring",
  got: "get",
  spent: "spend",
  began: "begin",
  saw: "see",
  seen: "see",
  gotten: "get",
  begun: "begin",
  beginning: "begin",
  bled: "bleed",
  // too short for the suffix rules: "used the app", "customers using the product" meet "use"
  used: "use",
  using: "use",
  held: "hold",
  kept: "keep",
  carried: "carry",
  took: "take",
  taken: "take",
};

/** The irregular forms the planner knows as words. */
export const IRREGULAR_FORMS = Object.keys(IRREGULAR);

/** A light stemmer: plurals, -ed, -ing and a final e fold together; irregular past tenses by table. */
/** Past forms that name an event, not the state their stem names: "tickets opened" is no count of open tickets. */
const EVENT_FORMS = new Set(["opened"]);

export function stemOf(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = stemUncached(word);
    stemCache.set(word, stem);
  }
  return stem;
}

function stemUncached(word: string): string {
  let w = word.toLowerCase().replace(/'s$/, "");
  if (EVENT_FORMS.has(w)) return w;
  w = IRREGULAR[w] ?? w;
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  if (w.length > 3 && /([bdglmnprt])\1$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** Words of a catalog phrase ("plan_tier", "Sales rep") as stems. */
export function stemsOf(phrase: string): string[] {
  return phraseWords(stemsCache, phrase, "stem");
}

/** A catalog phrase's words (`_` as a space), cached and frozen: every caller shares the list. */
function phraseWords(cache: Map<string, string[]>, phrase: string, part: "stem" | "raw"): string[] {
  return cache.get(phrase) ?? cachedByKey(cache, phrase, (key) => tokensOf(key).map((t) => t[part]));
}

/**
 * The words of a phrase depend only on it lower-cased with `_` as a space, so "won_amount", "Won amount" and
 * "won amount" share one entry: the planner asks for a metric's name as written and lower-cased, and the
 * catalog cache primes each phrase as the catalog spells it. The phrase itself is kept as a key too.
 */
function cachedByKey(cache: Map<string, string[]>, phrase: string, make: (key: string) => string[]): string[] {
  const key = keyOf(phrase);
  let words = cache.get(key);
  if (!words) {
    words = Object.freeze(make(key)) as string[];
    cache.set(key, words);
  }
  cache.set(phrase, words);
  return words;
}

const keyOf = (phrase: string) => phrase.replaceAll("_", " ").toLowerCase();

export function tokensOf(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[a-z0-9]+(?:['’][a-z]+)?/g)) {
    const raw = m[0].replace(/['’]s$/, "").replace(/’/g, "'");
    out.push({ raw, word: raw, stem: stemOf(raw), start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

/** Words of a catalog phrase as typed (lowercase, `_` as a space), before stemming: the planner's lexicon. */
export function rawWordsOf(phrase: string): string[] {
  return phraseWords(rawCache, phrase, "raw");
}

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

/** Pure, and asked for the same catalog phrases on every question: cached per process, frozen since callers share it. */
export function phraseStems(phrase: string): string[] {
  return matchCache.get(phrase) ?? cachedByKey(matchCache, phrase, (key) => wordsOf(normalize(key)).map((w) => w.stem));
}

/** What the catalog cache stores: each catalog phrase with its words and both stems, and which stemmers made them. */
export interface PhraseIndex {
  stemmer: string;
  phrases: [phrase: string, raw: string[], stems: string[], match: string[]][];
}

/**
 * Bun.hash of this file's text, which scripts/build.ts defines in the compiled binary. Its functions' text there is the
 * minified bundle's, which changes with any module of dp (locals are renamed across the bundle): an id made from it
 * made every new build ignore the stems stored by the last one, and a demo published from source ignored by the binary.
 */
declare const DP_STEMMER_SOURCE_HASH: string | undefined;

/** The stemmers' own code (this file's text): an index written by other stemmers is not used. */
let stemmerId: string | undefined;
function stemmer(): string {
  stemmerId ??=
    typeof DP_STEMMER_SOURCE_HASH === "string" ? DP_STEMMER_SOURCE_HASH : (ownSourceHash() ?? functionsHash());
  return stemmerId;
}

/** This file's text hashed, when it runs from source (as scripts/build.ts hashes it for the binary). */
function ownSourceHash(): string | undefined {
  try {
    return Bun.hash(readFileSync(import.meta.path, "utf8")).toString(36);
  } catch {
    return undefined;
  }
}

/** A bundle built without the define: its stemmers' function text. */
function functionsHash(): string {
  return Bun.hash(
    [stemUncached, tokensOf, normalize, stem, wordsOf].map(String).join("\n") +
      JSON.stringify(IRREGULAR) +
      [...EVENT_FORMS].join(),
  ).toString(36);
}

/** The stems of every phrase given, for the catalog cache. */
export function phraseIndex(phrases: Iterable<string>): PhraseIndex {
  return {
    stemmer: stemmer(),
    phrases: [...new Set(phrases)].map((p) => [p, rawWordsOf(p), stemsOf(p), phraseStems(p)]),
  };
}

/** Starts the caches with a published snapshot's index; a phrase it lacks is stemmed when asked for, as before. */
export function primePhraseIndex(index: PhraseIndex): void {
  if (index.stemmer !== stemmer()) return;
  for (const [p, raw, stems, match] of index.phrases) {
    const key = keyOf(p);
    for (const [cache, words] of [
      [rawCache, raw],
      [stemsCache, stems],
      [matchCache, match],
    ] as const) {
      if (cache.has(p)) continue;
      Object.freeze(words);
      cache.set(p, words);
      if (!cache.has(key)) cache.set(key, words);
    }
  }
}
