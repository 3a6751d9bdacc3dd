import { distanceOf } from "../../engine/closest-name.ts";
import { stemOf } from "../../engine/catalog/phrase-stems.ts";
import { THREE_LETTER_WORDS } from "./english-words.generated.ts";

/** The words a slip is weighed against (lexicon.ts passes its own: this module imports nothing of it). */
export interface SlipWords {
  /** every word the planner knows */
  words: ReadonlySet<string>;
  /** the catalog and period words a typo may be corrected to */
  targets: ReadonlySet<string>;
  /** the planner's stop words */
  stop: ReadonlySet<string>;
  /** frequent English words of four letters or more */
  english: ReadonlySet<string>;
}

let three: Set<string> | undefined;
/** frequent English words of three letters: each is what it says ("but" is no slip of "buy") */
function threeLetterWords(): Set<string> {
  three ??= new Set(THREE_LETTER_WORDS.split(/\s+/));
  return three;
}

/**
 * Typing slips the closest-word correction (lexicon.ts) cannot weigh on its own, each read only when exactly one word
 * fits — a slip with two readings ("nwo": now or won, "ne": new or net new) is left as typed and asked back:
 * - two words run together ("mrrlast", "churnrate", "ticketsopened"): split where both halves are known words;
 * - a three-letter word with one slip, the likelier slip first: two letters swapped ("wno" → won), then a
 *   neighbouring key ("nrw" → new), then a letter left out ("sze" → size);
 * - a seven-letter word two edits from one catalog word only ("cancled" → cancelled).
 */

/** The keys next to each key of a QWERTY keyboard (a neighbouring key is the commonest substitution on a phone). */
const NEIGHBOURS: Record<string, string> = {
  q: "wa",
  w: "qeas",
  e: "wrsd",
  r: "etdf",
  t: "ryfg",
  y: "tugh",
  u: "yihj",
  i: "uojk",
  o: "ipkl",
  p: "ol",
  a: "qwsz",
  s: "awedzx",
  d: "serfxc",
  f: "drtgcv",
  g: "ftyhvb",
  h: "gyujbn",
  j: "huiknm",
  k: "jiolm",
  l: "kop",
  z: "asx",
  x: "zsdc",
  c: "xdfv",
  v: "cfgb",
  b: "vghn",
  n: "bhjm",
  m: "njk",
};

/**
 * the word a short slip may be read as: a catalog or period word of English ("won", "new", "plan"), or a longer stop
 * word ("sze" → size); never a catalog acronym, typed on purpose ("nre" is no "nrr"), nor a three-letter function
 * word ("yoy" is no "you": one is only read back from two letters swapped, lexicon.ts)
 */
function target(w: string, lexicon: SlipWords): boolean {
  const english = threeLetterWords().has(w) || lexicon.english.has(w);
  return (lexicon.targets.has(w) && english) || (lexicon.stop.has(w) && w.length > 3);
}

/** `word` split in two known words, one of them the catalog's or a period's; none when no split or two fit. */
export function runTogether(word: string, lexicon: SlipWords): string | undefined {
  if (word.length < 5) return undefined;
  const fits: string[] = [];
  for (let i = 2; i <= word.length - 2; i++) {
    const a = word.slice(0, i);
    const b = word.slice(i);
    if (!lexicon.words.has(a) || !lexicon.words.has(b)) continue;
    if (!lexicon.targets.has(a) && !lexicon.targets.has(b)) continue;
    fits.push(`${a} ${b}`);
  }
  return fits.length === 1 ? fits[0] : undefined;
}

/** The one word a three-letter word is with one slip, the likelier slip first; none when two words fit. */
export function shortSlip(word: string, lexicon: SlipWords): string | undefined {
  if (threeLetterWords().has(word)) return undefined;
  const known = (w: string) =>
    w !== word && (lexicon.words.has(w) || lexicon.english.has(w) || threeLetterWords().has(w));
  const tiers: ((push: (w: string) => void) => void)[] = [
    // two neighbouring letters swapped
    (push) => {
      for (let i = 0; i + 1 < word.length; i++) push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
    },
    // a neighbouring key
    (push) => {
      for (let i = 0; i < word.length; i++)
        for (const k of NEIGHBOURS[word[i]!] ?? "") push(word.slice(0, i) + k + word.slice(i + 1));
    },
    // a letter left out
    (push) => {
      for (let i = 0; i <= word.length; i++)
        for (const k of "abcdefghijklmnopqrstuvwxyz") push(word.slice(0, i) + k + word.slice(i));
    },
  ];
  for (const tier of tiers) {
    const fits = new Set<string>();
    tier((w) => {
      if (known(w)) fits.add(w);
    });
    if (fits.size === 0) continue;
    // the first slip that makes any word decides: one word that the planner reads, or left as typed
    const [only] = [...fits];
    return fits.size === 1 && only && target(only, lexicon) ? only : undefined;
  }
  return undefined;
}

/** 2 when exactly one catalog word (in any of its forms) is within two edits of a seven-letter word, else 1. */
export function lonelyAtTwo(word: string, lexicon: SlipWords): number {
  const stems = new Set<string>();
  for (const known of lexicon.targets) {
    if (Math.abs(known.length - word.length) > 2 || known.length < 5) continue;
    if (distanceOf(word, known) <= 2) stems.add(stemOf(known));
  }
  return stems.size === 1 ? 2 : 1;
}
