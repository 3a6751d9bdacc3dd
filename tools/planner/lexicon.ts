import { distanceOf } from "../../engine/closest-name.ts";
import type { Catalog, CatalogColumn } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { FILLER, STATE_VERBS } from "./vocabulary.ts";
import { ENGLISH_WORDS } from "./english-words.generated.ts";
import { NUMBER_WORDS } from "./periods.ts";
import { lonelyAtTwo, runTogether, type SlipWords, shortSlip } from "./typo-slips.ts";
import {
  IRREGULAR_FORMS,
  rawWordsOf,
  stemOf,
  stemsOf,
  tokensOf,
  type Token,
} from "../../engine/catalog/phrase-stems.ts";

export { stemOf, stemsOf, tokensOf, type Token };

/** Words that carry no meaning of their own in a metric question; they never need placing. */
export const STOP = new Set(
  `a an the of for in on at to by from with and or is are was were be been being am do does did done doing have has had
  our we us you your my i me it its it's this that these those what whats which who whom whose how much many show tell give
  get got please can could would should shall may might there their they them then as so far right now currently current
  today total overall number numbers count amount value worth dollar dollars level figure figures stat stats about around roughly approximately just
  only solely exclusively purely also still ever all any each every some per vs versus into out up via through thru till between over under across during within since until
  big bigger large size how's what's where when whats' let lets let's see look looking know want need list like currently
  take takes taking took go going went come comes came coming bring brings brought make makes made did does kind sort
  share percentage percent proportion fraction ratio please thanks thank hi hey okay ok yes being been more most less fewer
  much really actually exactly basically combined altogether summed company business we've we're i'm i'd us' here ${FILLER.join(" ")}`
    .split(/\s+/)
    .filter(Boolean),
);

/** The regular forms of a word: -s/-es, -ed/-d, -ing (a final e dropped, a last consonant doubled), y → -ies/-ied. */
function regularForms(w: string): Set<string> {
  const forms = new Set([w, `${w}s`, `${w}es`, `${w}ed`, `${w}ing`]);
  if (w.endsWith("e")) forms.add(`${w}d`).add(`${w.slice(0, -1)}ing`);
  if (w.endsWith("y")) forms.add(`${w.slice(0, -1)}ies`).add(`${w.slice(0, -1)}ied`);
  const last = w.at(-1) ?? "";
  if (/[bdglmnprt]/.test(last)) forms.add(`${w}${last}ed`).add(`${w}${last}ing`);
  return forms;
}

/**
 * A word read as a stop word: one of STOP, or a form of one the stemmer brings back to it ("counts", "totaled",
 * "gotten") — never another word the stemmer happens to bring there. The stemmer drops a final e, so "state",
 * "states", "stated", "stating" stem to the stop word "stat", "fare" to "far", "site" to "sit", "theme" to "them":
 * each is a form of an English word of its own (stop word + e), and a word of the question to place.
 */
export function isStopWord(raw: string, stem: string = stemOf(raw)): boolean {
  if (STOP.has(raw)) return true;
  if (!STOP.has(stem)) return false;
  if (IRREGULAR_FORMS.includes(raw)) return true;
  const longer = `${stem}e`;
  if (!STOP.has(longer) && englishWords().has(longer) && regularForms(longer).has(raw)) return false;
  return regularForms(stem).has(raw);
}

/** Words every question may use that are not in the catalog: periods, comparisons, grains. */
const GENERAL = `last this next previous prior past trailing month months monthly week weeks weekly quarter quarters quarterly
  year years yearly annual annually day days daily qtr yr ytd mtd qtd today yesterday january february march april may june july
  august september october november december jan feb mar apr jun jul aug sep sept oct nov dec start end beginning
  compare compared change changed difference grow grew growth trend trends over time history between from since
  which most highest biggest largest least fewest lowest smallest top best worst popular broken break down split grouped
  each per average mean median rate new open`;

export interface Lexicon {
  /** every word the planner knows, as typed forms */
  words: Set<string>;
  /** the words a typo may be corrected to: catalog and period words, never a stop word */
  targets: Set<string>;
}

export function metricPhraseList(m: MetricDef): string[] {
  return [m.name.replaceAll("_", " "), ...(m.label ? [m.label] : []), ...m.synonyms];
}

export function columnOf(catalog: Catalog, mart: string, name: string): CatalogColumn | undefined {
  return catalog.models.get(mart)?.columns.find((c) => c.name === name);
}

/** Every word of the catalog (metric names, labels, synonyms, dimensions, their synonyms and values) and of periods. */
const lexicons = new WeakMap<Catalog, { values: Catalog["dimensionValues"]; lexicon: Lexicon }>();

export function lexiconOf(catalog: Catalog): Lexicon {
  // built once per catalog and its dimension values (a question's readings each ask for it)
  const known = lexicons.get(catalog);
  if (known && known.values === catalog.dimensionValues) return known.lexicon;
  const lexicon = buildLexicon(catalog);
  lexicons.set(catalog, { values: catalog.dimensionValues, lexicon });
  return lexicon;
}

function buildLexicon(catalog: Catalog): Lexicon {
  const targets = new Set<string>(GENERAL.split(/\s+/).filter(Boolean));
  const add = (phrase: string) => {
    // (a lone letter, the "u" and "s" of "u.s.", is no word to correct toward)
    for (const raw of rawWordsOf(phrase)) if (!STOP.has(raw) && raw.length > 1) targets.add(raw);
  };
  for (const m of catalog.metrics) {
    metricPhraseList(m).forEach(add);
    (m.verbs ?? []).forEach(add);
    for (const d of m.dimensions) {
      add(d);
      const col = columnOf(catalog, m.mart, d);
      col?.synonyms?.forEach(add);
      Object.keys(col?.value_synonyms ?? {}).forEach(add);
      for (const v of catalog.dimensionValues?.get(`${m.mart}.${d}`) ?? []) add(v);
    }
  }
  for (const s of Object.keys(catalog.project.config.sources ?? {})) add(s);
  // real words a founder uses that are in no catalog: never "corrected" into one that is
  const english = `lose lost gain gained earn earned sign signed join joined create created add added drop dropped sell
    buy bought pay paid spend spent cost costs grow shrink rise fall fell went rose seat seats user users team teams
    employee employees staff people person country region industry segment source channel campaign email phone name
    started starting starts ended ending opened opening closing reopened ${STATE_VERBS.join(" ")}`;
  // number words count ("last three months"): never "corrected" into a catalog word ("three" ↛ "there")
  const numbers = Object.keys(NUMBER_WORDS);
  return { words: new Set([...STOP, ...targets, ...IRREGULAR_FORMS, ...english.split(/\s+/), ...numbers]), targets };
}

/**
 * The closest catalog or period word to a word the lexicon lacks: one edit for words of 4–7 letters, two for longer ones;
 * the same first letter breaks ties. Numbers and short words are left alone.
 */
export function correctWord(word: string, lexicon: Lexicon): string | undefined {
  if (lexicon.words.has(word) || /\d/.test(word)) return undefined;
  // two letters typed the wrong way round in a short function word ("teh", "waht", "hwo"): that word
  const swapped = swappedStopWord(word, lexicon);
  if (swapped) return swapped;
  // a superlative of an English word ("slowest" of slow) is English too: never another word ("lowest")
  const english = englishWords().has(word) || (/est$/.test(word) && englishWords().has(word.slice(0, -3)));
  const slips: SlipWords = { ...lexicon, stop: STOP, english: englishWords() };
  // two words run together ("mrrlast", "churnrate"): split where both halves are words the planner knows
  const split = english ? undefined : runTogether(word, slips);
  if (split) return split;
  // a three-letter word with one slip ("wno", "nrw", "sze"): read only when one word fits (typo-slips.ts)
  if (word.length === 3 && !english) return shortSlip(word, slips);
  if (word.length < 4) return undefined;
  // a seven-letter word two edits from one catalog word only ("cancled" → "cancelled"): that word
  const budget = word.length >= 8 ? 2 : word.length === 7 && !english ? lonelyAtTwo(word, slips) : 1;
  let best: { w: string; d: number; first: boolean; longer: boolean } | undefined;
  for (const known of lexicon.targets) {
    if (Math.abs(known.length - word.length) > budget || known.length < 3) continue;
    // a four-letter word is only completed ("mnth" → "month"), never swapped for another short word ("seat" ↛ "sept")
    if (word.length === 4 && known.length <= 4) continue;
    const dist = distanceOf(word, known);
    if (dist > budget) continue;
    const first = known[0] === word[0];
    // a letter left out is the likelier slip: "monthy" is "monthly" before "month"
    const longer = known.length > word.length;
    if (
      !best ||
      dist < best.d ||
      (dist === best.d && first && !best.first) ||
      (dist === best.d && first === best.first && longer && !best.longer)
    )
      best = { w: known, d: dist, first, longer };
  }
  // an English word is what it says ("please state", "nearly", "remember"): never turned into a catalog word of
  // another stem ("stage", "yearly", "december"); only into its own other form ("minute" → "minutes"), or by two
  // neighbouring letters typed the wrong way round, the commonest slip ("trails converted" is trials). Left as
  // typed, a word no catalog name has is asked back, never answered as another word.
  if (best && english && stemOf(best.w) !== stemOf(word) && !swapOf(word, best.w)) return undefined;
  return best?.w;
}

/** `a` is `b` with two neighbouring letters swapped */
function swapOf(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

let english: Set<string> | undefined;
export function englishWords(): Set<string> {
  english ??= new Set(ENGLISH_WORDS.split(/\s+/));
  return english;
}

/**
 * The one stop word of 3–5 letters that `word` is with two neighbouring letters swapped; none when two fit ("hwo"),
 * nor when the same swap also makes a catalog word ("nwo" is "now" and "won": deals now or deals won, asked back).
 */
function swappedStopWord(word: string, lexicon: Lexicon): string | undefined {
  if (word.length < 3 || word.length > 5) return undefined;
  const fits = new Set<string>();
  let other = false;
  for (let i = 0; i + 1 < word.length; i++) {
    const w = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    if (w !== word && STOP.has(w)) fits.add(w);
    else if (w !== word && lexicon.targets.has(w)) other = true;
  }
  return fits.size === 1 && !other ? [...fits][0] : undefined;
}

/** The question with misspelt words replaced by their closest catalog or period word; `fixes` says which. */
export function correctTypos(text: string, lexicon: Lexicon): { text: string; fixes: [string, string][] } {
  const fixes: [string, string][] = [];
  const out = text.replace(/[a-z]+/g, (w) => {
    const fixed = correctWord(w, lexicon);
    if (!fixed || fixed === w) return w;
    fixes.push([w, fixed]);
    return fixed;
  });
  return { text: out, fixes };
}
