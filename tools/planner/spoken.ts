import { MONTH_NAMES } from "./periods.ts";
import { CARDINALS } from "./number-words.ts";
import { replaceSaid } from "./may-match.ts";

/**
 * Questions dictated into a phone and English of non-native speakers (#15, batch 26), brought back to the words the
 * planner reads before world.ts reads numbers, days and homophones: spelled-out quarters and amounts ("q three",
 * "fifty thousand"), a spoken self-correction with no punctuation ("in august no wait september"), afterthoughts and
 * fillers at the end ("i think we were", "percent wise"), and the word order and false friends of Spanish, Italian,
 * French, German and Portuguese speakers ("more big than", "the precedent year", "the third trimester", "which
 * commercial", "the week passed", "persons"). Each rewrite has one reading only; what stays in doubt is left as said,
 * to be asked back. Works on the lowercased question.
 */

const MONTH = `(?:${MONTH_NAMES})`;
const SMALL = CARDINALS;
/** scale words after a number said in words ("fifty k", "twenty grand" are thousands) */
const SCALE: Record<string, number> = {
  hundred: 100,
  thousand: 1_000,
  k: 1_000,
  grand: 1_000,
  million: 1_000_000,
  mil: 1_000_000,
  billion: 1_000_000_000,
};
const QUARTER_WORD: Record<string, string> = {
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  first: "1",
  second: "2",
  third: "3",
  fourth: "4",
  "1st": "1",
  "2nd": "2",
  "3rd": "3",
  "4th": "4",
};

/**
 * "q three", "quarter two", "the third trimester": a quarter said aloud, or by the Spanish/Italian word for it; "the
 * first semester" is the first half-year.
 */
function quarters(text: string): string {
  return (
    text
      .replace(/\b(?:q|cue|kyu)\s+(one|two|three|four)\b/g, (_m, n: string) => `q${QUARTER_WORD[n]}`)
      .replace(
        /\bquarter\s+(one|two|three|four|[1-4])\b(?!\s+(?:of\s+)?(?:deals?|customers?|tickets?))/g,
        (_m, n: string) => `q${QUARTER_WORD[n] ?? n}`,
      )
      .replace(/\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+trimester\b/g, (_m, n: string) => `q${QUARTER_WORD[n]}`)
      .replace(/\btrimester(s?)\b/g, "quarter$1")
      // "the first semester" (semestre, Semester, semestr): a half-year, as the batch-49 readers say it
      .replace(
        /\b(first|second|1st|2nd)\s+semester\b/g,
        (_m, n: string) => `${/^(?:first|1st)$/.test(n) ? "first" : "second"} half`,
      )
      .replace(/\b(in|for|during|of)\s+the\s+(q[1-4])\b/g, "$1 $2")
  );
}

/**
 * An amount said in words with a scale: "fifty thousand", "one point two million", "two hundred and fifty thousand",
 * "a million". Only a run with "hundred", "thousand", "million" or "billion" in it is written in digits (a lone
 * "one" or "two" is left to the readings that know its place).
 */
function amounts(text: string): string {
  const words = text.split(" ");
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    let j = i;
    let total = 0;
    let current = 0;
    let scaled = false;
    let decimal: string | undefined;
    let any = false;
    while (j < words.length) {
      const w = words[j]!;
      if (w in SMALL) {
        current += SMALL[w]!;
        any = true;
      } else if (w === "a" && !any && SCALE[words[j + 1] ?? ""] !== undefined) {
        current = 1;
        any = true;
      } else if (w in SCALE && any) {
        const s = SCALE[w]!;
        const base = decimal !== undefined ? Number(`${current}.${decimal}`) : current;
        if (s === 100) current = base * 100;
        else {
          total += base * s;
          current = 0;
        }
        decimal = undefined;
        scaled = true;
      } else if (w === "and" && any && (words[j + 1] ?? "") in SMALL) {
        // "two hundred and fifty thousand"
      } else if (w === "point" && any && decimal === undefined && (words[j + 1] ?? "") in SMALL) {
        decimal = "";
        j++;
        while (j < words.length && words[j]! in SMALL && SMALL[words[j]!]! < 10) decimal += String(SMALL[words[j++]!]);
        continue;
      } else break;
      j++;
    }
    if (scaled && decimal === undefined) {
      out.push(String(Math.round(total + current)));
      i = j;
    } else {
      out.push(words[i]!);
      i++;
    }
  }
  return out.join(" ");
}

/** a word that starts a period, after a correction's own words */
const PERIOD_NEXT = `(?:${MONTH}|q[1-4]|20\\d\\d|last|this|previous|the\\s+(?:last|previous|first|second))\\b`;
const PERIOD_SAID = `(?:${MONTH}|q[1-4]|20\\d\\d|(?:last|this|previous)\\s+(?:week|month|quarter|year))`;
/**
 * "in august no wait september", "q two sorry q three": a dictated self-correction has no punctuation; the question
 * mark it would have is put back, so the message reading (message.ts) puts the last-said period in place of the first.
 */
const SELF_CORRECTION = new RegExp(
  `\\b(${PERIOD_SAID})\\s*,?\\s+((?:(?:uh|um|er|oh)\\s+)?(?:no\\s+wait|wait\\s+no|no\\s+sorry|sorry\\s+no|no\\s+no|no\\s+i\\s+mean|i\\s+mean|i\\s+meant|or\\s+rather|scratch\\s+that|make\\s+(?:that|it)|sorry|no))\\s*,?\\s+(?=${PERIOD_NEXT})`,
  "g",
);

/** Fillers and afterthoughts a dictation ends with: "i think we were", "percent wise", "like the whole quarter". */
function tails(text: string): string {
  return (
    text
      .replace(
        /[\s,]+i\s+(?:think|guess|believe)(?:\s+so|\s+(?:we|it|they|that|he|she)\s+(?:were|was|did|are|is|do|does|had|have))?\s*[?.!]*$/g,
        "",
      )
      .replace(/\s+(?:percent|percentage)[\s-]*wise\b/g, " in percent")
      .replace(/\bpercentagewise\b/g, "in percent")
      // "for q three like the whole quarter": the period named taken whole
      .replace(
        new RegExp(
          `\\b(${PERIOD_SAID})\\s*,?\\s+(?:(?:like|so|i\\s+mean|you\\s+know)\\s+)?(?:for\\s+)?the\\s+(?:whole|entire|full)\\s+(?:quarter|month|year|thing)\\b`,
          "g",
        ),
        "$1 overall",
      )
      // "past due right now there payments i mean": "their payments" says what is past due, not what is counted
      .replace(
        /(\b(?:past\s+due|overdue|late|behind)\b.*?)[\s,]+(?:there|their|they're)\s+(?:payments?|bills?|invoices?|charges?)\s+i\s+mean\s*[?.!]*$/g,
        "$1",
      )
  );
}

/** Sound-alike words a recogniser picks for business words, only where the word after leaves one reading. */
function homophones(text: string): string {
  return text
    .replace(
      /\bsails(?=\s+(?:reps?|team|teams|people|person|guys?|managers?|owners?|pipeline|cycle|calls?|numbers?)\b)/g,
      "sales",
    )
    .replace(/\bsail\s+(?=reps?\b)/g, "sales ");
}

/** comparatives said with "more" as Romance languages say them ("più grande", "más grande", "plus grand") */
const MORE_ADJ: Record<string, string> = {
  big: "bigger",
  small: "smaller",
  high: "higher",
  low: "lower",
  good: "better",
  bad: "worse",
  large: "larger",
  long: "longer",
  short: "shorter",
  fast: "faster",
  slow: "slower",
};

/** Word order, comparatives and false friends of non-native speakers. */
function learner(text: string): string {
  let out = text
    .replace(new RegExp(`\\bmore\\s+(${Object.keys(MORE_ADJ).join("|")})\\b`, "g"), (_m, a: string) => MORE_ADJ[a]!)
    .replace(new RegExp(`\\bless\\s+(${Object.keys(MORE_ADJ).join("|")})\\b(?=.*\\bthan\\b)`, "g"), (_m, a: string) =>
      a === "big" || a === "large" ? "smaller" : a === "high" ? "lower" : a === "good" ? "worse" : `less ${a}`,
    )
    // "bigger than the one of september", "than that of Q2": the other period's value of the same metric
    .replace(/\bthan\s+(?:the\s+ones?|that|those)\s+(of|in|for)\s+/g, (_m, p: string) =>
      p === "of" ? "than " : `than ${p} `,
    )
    // "the precedent year", "the week passed", "the month passed": the previous one
    .replace(/\bprecedent\s+(day|week|month|quarter|year)\b/g, "previous $1")
    .replace(/\b(?:the\s+)?(day|week|month|quarter|year)\s+(?:just\s+)?passed\b/g, "last $1")
    // "how many new clients we became" (bekommen: to get, a German false friend), "how many customers did we get last
    // month": customers got are customers gained (won), never the ones we have; only the customer base's nouns, and
    // only before a period ("how many customers we got?" may be the ones we have; "we became profitable" and "did we
    // get back to customers" keep their verbs; the British "how many customers have we got" is have, and stays so)
    .replace(
      /\b(customers|clients|accounts|logos|subscribers)\s+(?:(did|do)\s+)?(we|i|they|you)\s+(?:get|got|gotten|become|became|becomes)\b(?=\s*(?:(?:in|on|during|since|this|last|so|from|for|per|yesterday|today|until|till|between|over|the\s+(?:last|past|previous))\b))/g,
      (_m, noun: string, aux: string | undefined, who: string) =>
        aux ? `${noun} ${aux} ${who} gain` : `${noun} ${who} gained`,
    )
    // "persons" (personas, persone, personnes, Personen) are people
    .replace(/\bpersons\b/g, "people")
    // "clients that pay", "customers who pay": paying customers
    .replace(/\b(customers|clients|users|accounts)\s+(?:that|who|which)\s+(?:pay|pays|are\s+paying)\b/g, "paying $1")
    // "which commercial": the Romance word for a sales rep (comercial, commerciale, commercial)
    .replace(
      /\b(which|what|the|each|every|per|by|our|top|best|a)\s+commercial(s?)\b(?!\s+(?:plans?|tiers?|customers?|clients?|accounts?|deals?|contracts?|terms?|team|teams|users?|licen[cs]es?))/g,
      "$1 sales rep$2",
    )
    // "which pipeline has more deals open": the open deals (the count), not the open pipeline (the amount)
    .replace(/\b(most|more|fewest|fewer|many)\s+(deals|opportunities|tickets)\s+(?:still\s+)?open\b/g, "$1 open $2")
    // "tickets still opened": the participle for the adjective (still open)
    .replace(/\b(still|currently|yet)\s+opened\b/g, "$1 open")
    // "payments refused" (rechazados, rifiutati, refusés): declined, which the catalog counts as failed payments
    .replace(/\b(payments?|charges?|cards?|transactions?)\s+(?:refused|rejected)\b/g, "$1 failed")
    .replace(/\b(?:refused|rejected)\s+(payments?|charges?|transactions?)\b/g, "failed $1")
    // "how many events have the users made": the events, whoever made them
    .replace(
      /\b(events|actions)\s+(?:have|has|did|do|does)\s+(?:the\s+|our\s+)?(?:users|customers|people|clients|accounts)\s+(?:made|make|done|do|did|generated|generate|logged|log|performed|perform|triggered|trigger|created|create)\b/g,
      "$1",
    )
    // "the tickets opened last week, how much they are?": the subject after the verb, a count of a plural
    .replace(/,?\s+how\s+(?:much|many)\s+(?:they|them)\s+(?:are|were)\s*(?=[?.!]*$)/g, ", how many are they")
    .replace(/,?\s+how\s+(?:much|many)\s+(?:are|were)\s+(?:they|them)\s*(?=[?.!]*$)/g, ", how many are they")
    // "how much is the revenue churn of september": "quanto è", "cuánto es" — what the thing is, in its own unit
    .replace(/^((?:[a-z]+\s+){0,3}?)how\s+much\s+(is|was)\s+the\b/g, "$1what $2 the");
  // "how much deals we lost and for how much money": the first "how much" is the count, the second the money
  if (/\band\s+for\s+how\s+much(?:\s+money)?\b/.test(out))
    out = out
      .replace(/\bhow\s+much\s+(?=(?:deals|opportunities|payments|refunds|charges|trials|signups)\b)/, "how many ")
      .replace(/\band\s+for\s+how\s+much\s+money\b/g, "and for how much");
  // "which commercial has closed more deals", "which country has more clients": with nothing set against it (no
  // "than", "or", "vs"), "more" of a "which" question is the most (más, più, plus: one word for both)
  if (/^(?:which|who)\b/.test(out) && !/\b(?:than|or|vs\.?|versus|compared|between)\b/.test(out))
    out = out.replace(/\bmore\b(?!\s+than\b)/, "the most");
  // "eventually can you give me also the …": "if possible" (eventualmente, éventuellement), a politeness
  out = out
    .replace(/^eventually,?\s+(?=(?:can|could|would|will|please|you|i|give|send|tell|show|what|how)\b)/, "")
    .replace(/\b(give|send|tell|show)\s+(me|us)\s+also\s+/g, "$1 $2 ");
  return out;
}

/**
 * "august september and october together", "july, august and september combined": consecutive months named one by one
 * and taken together are the range from the first to the last.
 */
const MONTH_LIST = new RegExp(
  `\\b(${MONTH})((?:\\s*,?\\s+${MONTH})*)\\s*,?\\s+and\\s+(${MONTH})\\s+(?:all\\s+)?(?:together|combined|in\\s+total|summed)\\b`,
  "g",
);
const MONTH_INDEX = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const indexOf = (m: string) => MONTH_INDEX.indexOf(m.slice(0, 3));
function monthLists(text: string): string {
  return replaceSaid(text, MONTH_LIST, (said, first: string, middle: string, last: string) => {
    const all = [first, ...(middle.match(new RegExp(MONTH, "g")) ?? []), last].map(indexOf);
    const consecutive = all.every((m, k) => k === 0 || m === all[k - 1]! + 1);
    return consecutive && all.length >= 2 ? `from ${first} to ${last}` : said;
  });
}

/** The question (lowercased) with its dictation and learner English said in the planner's words. */
export function spokenRead(text: string): string {
  let out = quarters(text);
  out = amounts(out);
  out = replaceSaid(out, SELF_CORRECTION, "$1? $2 ");
  out = homophones(out);
  out = tails(out);
  out = monthLists(out);
  out = learner(out);
  return out.replace(/\s+/g, " ").trim();
}
