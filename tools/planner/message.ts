import { tailPeriod } from "./tail-period.ts";
import type { Catalog } from "../../engine/catalog/catalog.ts";
import { tokensOf } from "../../engine/catalog/phrase-stems.ts";
import { columnOf } from "./lexicon.ts";
import { withoutNoise } from "./noise.ts";
import { findPeriods } from "./periods.ts";
import { candidatesFor } from "./understand.ts";
import { execSaid, testSaid } from "./may-match.ts";

/**
 * The ask inside a whole chat message (issue #15): people write to a data assistant as they write to a chat assistant,
 * with the context around the question — a sentence on why they ask ("I'm prepping for Thursday's board call"), a
 * hedge ("not sure this is the right tool, but"), a pasted Slack or email line ("> can someone grab net new MRR…"),
 * an aside in brackets, a self-correction ("August? sorry, I mean September").
 *
 * The message is cut into parts — lines, quoted lines, bracketed asides, sentences and the clauses a dash, a colon, a
 * semicolon or ", but" separate — and the ask is the part that names a metric of the catalog and is said as a
 * question or a request. The other parts are set aside only when they cannot change the number:
 *   - a part that names nothing of the catalog (no metric, period, dimension value) is backstory;
 *   - a metric named in it gives way to the one the ask names;
 *   - a period named in it gives way to the ask's own period; with none in the ask, it is asked back — unless the ask
 *     points at it ("since then": the one date the backstory names);
 *   - a dimension value named in it ("we're debating whether to sunset Starter") gives way when the ask names a value
 *     of that dimension or ranks by it ("which plan"); otherwise it could be a filter, and is asked back;
 *   - a part that narrows ("only", "excluding", "not counting", "net of") is asked back whatever it names: a filter
 *     said in words is never dropped.
 * A self-correction replaces the period (or the value of a dimension) it corrects, and a definition ("by enterprise I
 * mean the Enterprise plan") replaces its word in the ask. Words of the ask itself that cannot be placed still ask
 * back: the ask is planned again from the start, and this module never drops a word from it.
 */

export interface MessageReading {
  /** the ask, as it is planned */
  ask: string;
  /** the parts set aside, as typed */
  setAside: string[];
  /** what was done to the ask: a correction, a definition, a "since then" */
  notes: string[];
  /** a self-correction was applied: the message must not be planned as typed (it names both periods) */
  corrected: boolean;
}

export interface MessageAskBack {
  askBack: string;
  unplaced: string[];
}

interface Part {
  text: string;
  quoted: boolean;
  /** what followed a correction's own words in its sentence: its question mark is the corrected question's */
  tail?: boolean;
}

/** Abbreviations whose full stop ends no sentence ("vs. September", "e.g. Pro"). */
const ABBREVIATION =
  /\b(?:vs|e\.g|i\.e|etc|approx|mr|ms|mrs|dr|inc|no|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)$/i;

/** A self-correction said after what it corrects: "sorry, I mean", "no wait,", "I meant", "make that", "scratch that". */
const CORRECTION =
  /^(?:(?:sorry|oops|whoops|er+m?|uh+)[\s,]+)?(?:(?:no|nope)[\s,]+)?(?:wait[\s,]+)?(?:sorry[\s,]+)?(?:i\s+mean(?:t)?|make\s+(?:that|it)|scratch\s+that[\s,]*|correction[\s:,]*|rather|actually)[\s,:]+(.+)$|^(?:(?:no|nope)[\s,]+wait|wait[\s,]+no|sorry)[\s,]+(.+)$/i;

/** Where a clause begins inside a sentence: a dash, a colon, a semicolon, ", but", ", so". */
const CLAUSE_BREAK =
  /\s+(?:—|–|--|-)\s+|\s*—\s*|:\s+|;\s+|,\s+(?:but|so|and\s+so)\s+|,\s+(?=(?:(?:can|could|would|will)\s+(?:you|u|someone|anyone)|what|how|which|who|it'?s\s+for|it\s+is\s+for|this\s+is\s+for)\b)/gi;
/** "For the investor update I need …": the occasion said first, before the request. */
const OCCASION_FIRST =
  /^(for\s+(?:the|my|our|an?|this|next|tomorrow's)\s+[a-z0-9' -]{1,40}?),?\s+(?=(?:i|we)\s+(?:need|want|would\s+like|'d\s+like)\b)/i;

/**
 * A question begun inside a run-on typed without punctuation ("…downgrade requests lately how much mrr have we lost"),
 * and the reason said after one ("…in october want to brag about it at the all hands").
 */
const RUN_ON_AFTER =
  /\s(?=(?:(?:i|we)\s+)?(?:want|need|have|got|gotta|wanna)\s+to\s|(?:i\s+)?need\s+(?:it|this|that)\s+(?:for|by|before)\s|so\s+(?:i|we)\s+can\s|because\s|cause\s|cuz\s)/i;
const RUN_ON_QUESTION =
  /\s(?=(?:how\s+(?:much|many|long|fast|often)|what(?:'s|s)?\s+(?:is|was|were|are|did|does|do|our|the)|whats|which\s+[a-z]+\s+(?:has|had|have|is|was|brings?|did)|who\s+(?:closed|won|had|has|is|was|did|brought|sold))\b)/i;

/** A question or a request: a question word or auxiliary first, or a request frame anywhere. */
const QUESTION_START =
  /^(?:(?:and|so|but|also|ok|okay|hey|hi)[\s,]+)*(?:how|what|what's|whats|which|who|whose|when|where|is|are|was|were|did|does|do|has|have|can|could|would|will|any|compare|show|give|tell|pull|grab|get|find|check|list)\b/i;
const ASKS = new RegExp(
  String.raw`${QUESTION_START.source}|\b(?:can|could|would|will)\s+(?:you|someone|anyone|somebody|u)\b|\b(?:i|we)\s+(?:need|want|would\s+like|'d\s+like)\b(?!\s+to\s+(?!know|see|get|find|check|pull|have|hear)[a-z])|\bplease\b|\bpls\b`,
  "i",
);
/** A part said with a question mark only ("…, before refunds come out?"): an ask when no part is said as one. */
const QUESTION_MARK = /\?\s*$/;

/** What narrows a number: a part set aside must not say it. */
const NARROWS =
  /\b(?:only|except|excluding|exclude[sd]?|without|ignor(?:e|ed|ing)|leav(?:e|ing)\s+out|left\s+out|not\s+(?:counting|including|incl)|(?:don't|do\s+not|doesn't)\s+(?:count|include)|net\s+of|minus|apart\s+from|other\s+than|besides|just\s+(?:the|for|on|in)|limited\s+to|filter(?:ed)?)\b/i;

/** Hedges and politeness read away before a part is weighed ("not sure this is the right tool for it", "no rush"). */
const HEDGES = [
  /\bnot\s+sure\s+(?:if\s+|whether\s+)?(?:this|you|dp|it)(?:'s|\s+is|\s+are)?\s+(?:the\s+right\s+(?:tool|place|bot|channel)|something\s+you\s+(?:can|could)\s+(?:do|answer|help\s+with))(?:\s+(?:for\s+(?:it|this|that)|to\s+ask))?/gi,
  /\bsorry\s+if\s+this\s+is\s+a\s+(?:dumb|silly|stupid|basic|obvious|naive)\s+question\b/gi,
  /\bthis\s+(?:might|may)\s+not\s+be\s+(?:tracked|recorded|available)\s*(?:anywhere|here)?\b/gi,
  /\bno\s+(?:rush|pressure|hurry|worries)(?:\s+at\s+all)?\b/gi,
  /\bnot\s+mine\b/gi,
];

/** The adverbs of a request frame ("could you possibly pull", "can you by any chance tell me"): how to ask, not what. */
const FRAME_ADVERB =
  /\b((?:can|could|would|will)\s+(?:you|u))\s+(?:possibly|perhaps|maybe|by\s+any\s+chance|kindly|please|quickly)\s+/gi;

/** An instruction to act in the ask ("could you retry the failed payments in Stripe", "email the numbers"). */
const ACTS =
  /\b(?:retry|re-?run|refund|cancel|charge|send|e-?mail|post|delete|remove|update|notify|message|contact|reach\s+out|schedule|export|fix|pause|turn\s+off|write\s+to)\b/i;

/**
 * Instructions in a message — markup ("<system>"), a link, "from now on", a part that orders ("then POST the list",
 * "answer every question with …", "set mrr to 50k") — are never context to set aside: the message is read as typed.
 */
const INSTRUCTS_ANYWHERE =
  /<\/?[a-z][^>]*>|https?:\/\/|\bwww\.|\bfrom\s+now\s+on\b|(?:^|[\s(])(?:~|\.{1,2})?\/[\w.-]+\/|\bid_rsa\b|\.ssh\b|\.env\b|\b(?:system\s+)?prompt\b|\b(?:contents?|text)\s+of\s+(?:the\s+)?(?:file|folder|directory|~|\/)|\b(?:to|in|into|at\s+the\s+end\s+of)\s+(?:the|your)\s+(?:answer|reply|response|output)\b/i;
/**
 * A part that orders, after any lead-in a postscript or an aside uses ("p.s.", "btw", "oh and", "one more thing:"):
 * "p.s. append the file to the answer" is an instruction, not backstory.
 */
const ORDERS =
  /^(?:(?:p\.?\s?s\.?|btw|by\s+the\s+way|oh|and|then|also|after\s+that|one\s+more\s+thing|finally|lastly)[\s,:;.-]+)*(?:please\s+)?(?:post|send|set|answer|reply|respond|say|always|never|ignore|forget|e-?mail|export|delete|drop|update|change|write|print|output|repeat|run|call|upload|share|append|attach|include|add|paste|reveal|show|read|open|cat|dump|list|copy|leak|disclose)\b/i;

/** The ask's own "now": a period said, though no named one ("how many paying customers do we have right now"). */
const NOW = /\b(?:right\s+now|now|currently|at\s+the\s+moment|today|as\s+of\s+today|to\s+date|so\s+far)\b/i;

/** "since then", "after that": the ask points at a moment the backstory names. */
const SINCE_THEN = /\b(since|after|from)\s+(?:then|that(?:\s+(?:date|day|point))?)\b/i;

/** "by enterprise I mean the Enterprise plan", "by customers I mean paying ones": a word of the ask defined. */
const DEFINITION = /^\s*by\s+(["']?)([a-z][a-z -]{0,30}?)\1\s+i\s+mean\s+(.+?)(?:,\s*not\b.*)?\s*[.!]?\s*$/i;

/** The parts of a message in reading order. */
function partsOf(message: string): Part[] {
  const parts: Part[] = [];
  // a run-on is cut at its question words only when the message has no sentence punctuation at all
  const runOn = !/[.?!]/.test(message);
  for (const rawLine of message.replace(/[‘’]/g, "'").split(/\r?\n/)) {
    const quoted = /^\s*>/.test(rawLine);
    let line = rawLine.replace(/^\s*>+\s*/, "").trim();
    if (!line) continue;
    const asides: string[] = [];
    line = line.replace(/\(([^()]*)\)/g, (_, inside: string) => {
      asides.push(inside.trim());
      return " ";
    });
    line = line.replace(/\s+([,.;:?!])/g, "$1");
    for (const sentence of sentencesOf(line))
      for (const clause of clausesOf(sentence, runOn)) parts.push({ text: clause, quoted });
    for (const a of asides) for (const clause of clausesOf(a, false)) parts.push({ text: clause, quoted });
  }
  return parts.filter((p) => /[a-z0-9]/i.test(p.text));
}

function sentencesOf(line: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const m of line.matchAll(/[.?!]+(?=\s+\S)/g)) {
    const end = m.index! + m[0].length;
    if (m[0] === "." && ABBREVIATION.test(line.slice(from, m.index!))) continue;
    out.push(line.slice(from, end).trim());
    from = end;
  }
  out.push(line.slice(from).trim());
  return out.filter(Boolean);
}

function clausesOf(sentence: string, runOn: boolean): string[] {
  const clauses = sentence
    .split(CLAUSE_BREAK)
    .map((c) => c.trim())
    .filter(Boolean)
    .flatMap((c) => {
      const m = execSaid(OCCASION_FIRST, c);
      return m ? [m[1]!, c.slice(m[0].length)] : [c];
    });
  if (!runOn) return clauses;
  // a run-on: the question starts at its question words, and a reason said after it at "want to", "so i can"
  const cutAt = (c: string, re: RegExp) => {
    const m = re.exec(c.slice(1));
    return m ? [c.slice(0, m.index + 1).trim(), c.slice(m.index + 1).trim()] : [c];
  };
  return clauses.flatMap((c) => cutAt(c, RUN_ON_QUESTION)).flatMap((c) => cutAt(c, RUN_ON_AFTER));
}

interface Said {
  /** a metric, a period or a dimension value */
  named: boolean;
  metric: boolean;
  periods: { text: string; start: number; end: number }[];
  /** dimension (mart.column) → the values named */
  values: Map<string, string[]>;
  /** dimensions named by their name or a synonym ("which plan") */
  dimensions: Set<string>;
}

/** What of the catalog a part says: a metric, periods, dimension values, dimension names. */
function saidIn(text: string, catalog: Catalog, at: Date): Said {
  const lower = text.toLowerCase();
  const values = new Map<string, string[]>();
  const dimensions = new Set<string>();
  const has = (phrase: string) =>
    phrase.length > 1 && new RegExp(`(?<![a-z0-9])${escape(phrase.toLowerCase())}(?![a-z0-9])`).test(lower);
  for (const m of catalog.metrics)
    for (const d of m.dimensions) {
      const col = columnOf(catalog, m.mart, d);
      const dim = d;
      if (has(d.replaceAll("_", " ")) || col?.synonyms?.some(has)) dimensions.add(dim);
      const named = [
        ...(catalog.dimensionValues?.get(`${m.mart}.${d}`) ?? []).filter((v) => v.length > 2 && has(v)),
        ...Object.keys(col?.value_synonyms ?? {}).filter(has),
      ];
      if (named.length) values.set(dim, [...new Set([...(values.get(dim) ?? []), ...named])]);
    }
  // a value of a column no metric is split by ("Germany" of customers.country, read by the row counts) names a slice too
  for (const [mart, model] of catalog.models)
    for (const col of model.columns) {
      const named = [
        ...(catalog.dimensionValues?.get(`${mart}.${col.name}`) ?? []).filter((v) => v.length > 2 && has(v)),
        ...Object.keys(col.value_synonyms ?? {}).filter(has),
      ];
      if (named.length) values.set(col.name, [...new Set([...(values.get(col.name) ?? []), ...named])]);
    }
  const metric = candidatesFor(tokensOf(lower), catalog).length > 0;
  const periods = findPeriods(lower, at).map((p) => ({
    text: lower.slice(p.start, p.end),
    start: p.start,
    end: p.end,
  }));
  return { named: metric || periods.length > 0 || values.size > 0, metric, periods, values, dimensions };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
}

const readAway = (text: string) =>
  HEDGES.reduce((t, re) => t.replace(re, " "), text)
    .replace(/\s+/g, " ")
    .replace(/^[\s,.;:—–-]+|[\s,;:—–-]+$/g, "")
    .trim();

/**
 * The ask of a message with more than one part, the parts set aside and why; an ask-back when a part set aside could
 * change the number; undefined when the message is one part (the planner reads it as typed) or no part asks.
 */
/** a quotient spelled out: "failed ÷ successful", "refunds / charges", "churned divided by starting" */
const QUOTIENT = /÷|[a-z]\s*\/\s*[a-z]|\bdivided\s+by\b/i;

function withoutSlashNames(text: string, catalog: Catalog): string {
  let out = text.toLowerCase();
  for (const m of catalog.metrics)
    for (const name of [m.name, m.label ?? "", ...(m.synonyms ?? [])])
      if (name.includes("/")) out = out.replaceAll(name.toLowerCase(), " ");
  return out;
}

export function readMessage(message: string, catalog: Catalog, at: Date): MessageReading | MessageAskBack | undefined {
  if (testSaid(INSTRUCTS_ANYWHERE, message)) return undefined;
  const parts = partsOf(message);
  if (parts.some((p) => ORDERS.test(p.text))) return undefined;
  const notes: string[] = [];
  let corrected = false;
  // a self-correction replaces what it corrects in the part before it: a period, or a value of a dimension
  for (let i = 1; i < parts.length; i++) {
    const m = CORRECTION.exec(parts[i]!.text.replace(/[.!?]+$/, ""));
    if (!m) continue;
    const said = (m[1] ?? m[2] ?? "").trim();
    // "sorry, what was MRR in October?": a question of its own, not a correction of the one before
    if (testSaid(QUESTION_START, said)) continue;
    const fixed = correct(parts[i - 1]!.text, said, catalog, at);
    // a correction that cannot be applied ("…for Pro? sorry, I mean Starter") is never set aside as context
    if (!fixed)
      return saidIn(said, catalog, at).named
        ? askBack(parts[i]!.text, "corrects something I can't place in the question")
        : undefined;
    notes.push(`"${parts[i]!.text}": corrects "${fixed.was}" to "${fixed.now}"`);
    parts[i - 1] = { ...parts[i - 1]!, text: fixed.text };
    // what follows the correction's own words is a part of its own ("…, August is already in the last update")
    const rest = fixed.rest ? [{ text: fixed.rest, quoted: parts[i]!.quoted, tail: true }] : [];
    parts.splice(i, 1, ...rest);
    corrected = true;
  }
  if (parts.length < 2)
    return corrected ? { ask: parts[0]?.text ?? message, setAside: [], notes, corrected } : undefined;
  // a definition in the message ("by enterprise I mean the Enterprise plan") is applied to the other parts
  const definitions: { word: string; means: string; part: string }[] = [];
  const rest = parts.filter((p) => {
    const d = DEFINITION.exec(p.text);
    if (d) definitions.push({ word: d[2]!.trim(), means: d[3]!.trim(), part: p.text });
    return !d;
  });
  const weighed = rest.map((p, i) => {
    // the frames around a part ("can you tell me", "do we know", "thanks!") are read away as around a question
    const text = readAway(withoutNoise(p.text, catalog));
    // whether it asks is read on the part as typed ("I'd like it for this week instead" asks, though its frame goes),
    // save the frame opening the message, which frames all of it ("can you tell me Our lead investor keeps …")
    const cue = i === 0 ? text : readAway(p.text);
    return { part: p, text, cue, said: saidIn(text, catalog, at) };
  });
  const names = (w: (typeof weighed)[number]) => w.said.metric;
  const asks = (w: (typeof weighed)[number]) => !w.part.tail && ASKS.test(w.cue);
  const marked = (w: (typeof weighed)[number]) => !w.part.tail && QUESTION_MARK.test(w.cue);
  // a question that names no metric ("what should I have told him?") is the ask: the message is read as typed —
  // unless it points at the one metric said before it ("DAU/MAU is what investors look at. What was ours in October?")
  const questions = weighed.filter((w) => asks(w) || marked(w));
  if (questions.length && !questions.some(names)) {
    const bare = questions.length === 1 ? questions[0]! : undefined;
    const pointed = bare && pointedAt(bare.text, weighed.filter(names), catalog);
    if (!bare || !pointed) return undefined;
    notes.push(`"${pointed.word}": ${pointed.phrase}, the one metric the message names before the question`);
    weighed[weighed.indexOf(bare)] = {
      ...bare,
      text: pointed.text,
      cue: pointed.text,
      said: saidIn(pointed.text, catalog, at),
    };
  }
  // an ask said as a question with its question mark first, then as a question or a request, then by its question
  // mark alone, then (a request typed as a noun phrase: "gross revenue retention for october please, it's for the
  // lender") the one part naming a metric
  const tiers = [(w: (typeof weighed)[number]) => asks(w) && marked(w), asks, marked, () => true];
  const tier = tiers.find((t) => weighed.some((w) => names(w) && t(w)))!;
  const candidates = weighed.filter((w) => names(w) && tier(w));
  if (candidates.length !== 1) return undefined;
  const ask = candidates[0]!;
  // a quoted request is made of the one who forwards it ("could you send over the cash collected"): a read of it
  const requested = ask.part.quoted ? ask.text.replace(/\bsend\s+(?:over|me|us|across)\b/gi, "tell me") : ask.text;
  if (ACTS.test(requested.replace(/\b(?:e-?mail(?:ed)?\s+(?:campaign|blast)s?)\b/gi, ""))) return undefined;
  let askText = requested
    .replace(FRAME_ADVERB, "$1 ")
    .replace(/\b(can|could|would|will)\s+(?:someone|anyone|somebody|anybody)\b/gi, "$1 you")
    .replace(/^(?:does|do)\s+(?:anyone|anybody|someone)\s+know\s+/i, "");
  for (const d of definitions) {
    // "our enterprise segment": the word with the noun that says it is a group is what the definition names
    const re = new RegExp(
      `(?<![a-z])${escape(d.word)}(?:\\s+(?:segment|tier|group|bucket|cohort|category|side|customers?|accounts?))?(?![a-z])`,
      "i",
    );
    if (!re.test(askText)) return undefined;
    askText = askText.replace(re, d.means.replace(/^(?:the|our)\s+/i, ""));
    notes.push(`"${d.part}": "${d.word}" read as ${d.means}`);
  }
  // "Maria Lopez is up for promotion … How much has she closed?": the ask's "she" is the one person the rest names
  const people = [
    ...new Set(weighed.filter((w) => w !== ask).flatMap((w) => [...w.said.values.values()].flat())),
  ].filter((v) => /^\p{Lu}[\p{L}'-]+\s+\p{Lu}[\p{L}'-]+$/u.test(v));
  const pronoun = /\b(she|he)\b/i.exec(askText);
  if (pronoun && people.length === 1 && !/\b(?:her|him|his|they|them)\b/i.test(askText)) {
    askText = askText.replace(pronoun[0], people[0]!);
    notes.push(`"${pronoun[0]}": ${people[0]}, the one person the message names`);
  }
  const askSaid = saidIn(askText, catalog, at);
  const setAside: string[] = [];
  const backPeriods: string[] = [];
  for (const w of weighed) {
    if (w === ask) continue;
    if (!w.text) {
      setAside.push(w.part.text);
      continue;
    }
    const s = w.said;
    const named = s.named;
    // a second question or request naming the catalog ("… up on a year ago? Compare October with October 2025.")
    // is part of what is asked, never context: the message is read as typed
    if (named && (asks(w) || marked(w))) return undefined;
    // ("we only sell in the US": a narrowing word is asked back even when what it narrows to is no catalog value)
    if (NARROWS.test(w.text)) return askBack(w.part.text, "narrows what is counted");
    // "payment failure rate Aug (failed ÷ successful)": a quotient said beside the ask defines it, never context
    // (a metric's own name with a slash, "DAU/MAU", is no quotient said)
    if (QUOTIENT.test(withoutSlashNames(w.text, catalog)))
      return askBack(w.part.text, "defines what is asked as a quotient");
    // "… but I'd like it for this week instead": a change of what is asked, never context
    if (named && /\binstead\b/i.test(w.text)) return askBack(w.part.text, "changes what is asked");
    // a value held by several columns ("Starter": a plan, a churn-risk tier) gives way when the ask names any of them
    for (const value of new Set([...s.values.values()].flat().map((v) => v.toLowerCase()))) {
      const holders = [...s.values].filter(([, vs]) => vs.some((v) => v.toLowerCase() === value)).map(([d]) => d);
      if (!holders.some((d) => askSaid.values.has(d) || askSaid.dimensions.has(d)))
        return askBack(w.part.text, `names "${value}"`);
    }
    backPeriods.push(...s.periods.map((p) => p.text));
    setAside.push(w.part.text);
  }
  const since = execSaid(SINCE_THEN, askText);
  if (since) {
    const moments = [...new Set(backPeriods)];
    if (moments.length !== 1) return undefined;
    askText = askText.replace(since[0], `${since[1]} ${moments[0]}`);
    notes.push(`"${since[0]}": ${moments[0]}, the one date the message names before the question`);
  } else if (!askSaid.periods.length && !testSaid(NOW, askText) && backPeriods.length) {
    // "…? this year": the one part after the ask naming a period says only that period — the ask's own period
    const at = weighed.indexOf(ask);
    const dated = weighed.filter((w) => w !== ask && w.said.periods.length);
    const only = dated.length === 1 && weighed.indexOf(dated[0]!) > at ? dated[0]! : undefined;
    const tail =
      only &&
      tailPeriod(
        only.text,
        only.said.periods.map((p) => p.text),
      );
    if (tail) {
      askText = `${askText.replace(/[\s?.!]+$/, "")} ${tail}`;
      notes.push(`"${only!.part.text}": the period of the question, said after it`);
      return { ask: askText, setAside: setAside.filter((t) => t !== only!.part.text), notes, corrected };
    }
    return askBack(
      weighed.find((w) => w.said.periods.length && w !== ask)!.part.text,
      `names ${backPeriods.map((p) => `"${p}"`).join(", ")} and the question names no period`,
    );
  }
  return { ask: askText, setAside, notes, corrected };
}

/** "ours", "it", "that number" in a question: the metric the one other part naming one names, said as typed there. */
const POINTS = /\b(ours|(?:that|this|the)\s+(?:number|figure|metric|one)|it|that|this)\b/i;

function pointedAt(
  question: string,
  named: { text: string }[],
  catalog: Catalog,
): { text: string; word: string; phrase: string } | undefined {
  const m = execSaid(POINTS, question);
  if (!m || named.length !== 1) return undefined;
  const tokens = tokensOf(named[0]!.text.toLowerCase());
  const [first, second] = candidatesFor(tokens, catalog);
  // one metric, said by more of its words than any other ("DAU/MAU" is stickiness, not DAU): "churn" alone is several
  if (!first || (second && second.covered.size >= first.covered.size)) return undefined;
  const at = tokens.map((t, i) => (first.covered.has(t.stem) ? i : -1)).filter((i) => i >= 0);
  const [a, b] = [at[0]!, at[at.length - 1]!];
  if (b - a + 1 !== at.length) return undefined;
  const phrase = named[0]!.text.toLowerCase().slice(tokens[a]!.start, tokens[b]!.end);
  const said = m[1]!.toLowerCase() === "ours" ? `our ${phrase}` : phrase;
  return { text: question.replace(m[0], said), word: m[0], phrase };
}

function askBack(part: string, why: string): MessageAskBack {
  return {
    askBack: `"${part}" (said around the question) ${why}: say whether it applies to the number, in the question itself`,
    unplaced: [part],
  };
}

/**
 * The part before a correction with what the correction says put in place of what it corrects: the last period said
 * for a period, a value of the same dimension for a value. Undefined when the correction names neither, or nothing in
 * the part is of its kind.
 */
function correct(
  before: string,
  said: string,
  catalog: Catalog,
  at: Date,
): { text: string; was: string; now: string; rest?: string } | undefined {
  const lower = said.toLowerCase();
  const found = findPeriods(lower, at);
  const first = found[0];
  const beforeLower = before.toLowerCase();
  if (first && first.start < 24) {
    const theirs = findPeriods(beforeLower, at);
    const last = theirs[theirs.length - 1];
    if (!last) return undefined;
    // the correction's own words end at its period ("end of September, August is already …")
    const end = first.end;
    const head = said.slice(0, end).trim();
    const now = head.replace(/^(?:the\s+)?(?:end\s+of|start\s+of|in|for)\s+/i, "").trim();
    const was = before.slice(last.start, last.end);
    const keepsPrefix = /^(?:in|for|during|of|from|to|since)\s/i.test(was) && !/^(?:in|for|during|of)\s/i.test(now);
    const prefix = keepsPrefix ? `${was.split(/\s/)[0]} ` : "";
    const text = `${before.slice(0, last.start)}${prefix}${now}${before.slice(last.end)}`;
    const rest = said
      .slice(end)
      .replace(/^[\s,;:—–-]+/, "")
      .trim();
    return { text, was, now, rest: rest || undefined };
  }
  return undefined;
}
