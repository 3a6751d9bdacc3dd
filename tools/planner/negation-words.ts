/**
 * The words that negate or leave something out (#15, batch 46): "not", any "…n't", "except", "excluding", "other
 * than", "apart from", "but", "without", "non-", "never", "no longer", "outside", "no", "aside", "leave/leaving out".
 * A reading that sets aside a part of the question (a second ask not answered, a phrase read away) must never set one
 * of them aside: "trials that ended in Q3 and didn't convert" answered as trials converted (or ended) is the number the
 * question left out. The part with the negation is then asked back, never dropped.
 */
const NEGATION =
  /(?:^|[^a-z'])(?:not|no\s+longer|no|never|none|neither|nor|without|except|excluding|exclude[sd]?|excl|ex|non|outside|aside|besides|minus|but|ignor(?:e|ed|ing)|omit(?:ted|ting)?|[a-z]+n'?t|other\s+than|apart\s+from|leav(?:e|es|ing)\s+(?:\w+\s+){0,3}?out|left\s+out|take\s+(?:\w+\s+){0,2}?out|strip(?:ped|ping)?\s+out)(?![a-z])/i;

/** Words ending in n't-less spellings that are no negation ("want", "front", "count", "amount", "percent"…). */
const NT_WORDS = /^(?:[a-z]*(?:ant|ent|int|ont|unt|rnt|lnt))$/i;
/** The negations spelled without an apostrophe ("didnt", "wasnt", "arent", "havent", "wont", "cant", "dont"). */
const BARE_NT =
  /^(?:didnt|doesnt|dont|wasnt|werent|isnt|arent|havent|hasnt|hadnt|wont|wouldnt|cant|couldnt|shouldnt|aint)$/i;

/** The negation words said in a text, in order (empty when it says none). */
export function negationsIn(text: string): string[] {
  const found: string[] = [];
  const re = new RegExp(NEGATION.source, "gi");
  const lower = text.toLowerCase().replace(/[‘’]/g, "'");
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    const word = m[0].replace(/^[^a-z']/, "").trim();
    // "…nt" words with no apostrophe are negations only when they are the contracted auxiliaries
    if (/^[a-z]+nt$/.test(word) && NT_WORDS.test(word) && !BARE_NT.test(word)) continue;
    found.push(word);
    re.lastIndex = m.index + Math.max(1, m[0].length - 1);
  }
  return found;
}

/** Whether a text says a negation or an exclusion anywhere. */
export function saysNegation(text: string): boolean {
  return negationsIn(text).length > 0;
}

/** Whether any of the words a reading could not place is a negation ("didn't", "not", "except", "outside"…). */
export function negationAmong(words: readonly string[]): string | undefined {
  return words.find((w) => saysNegation(w));
}
