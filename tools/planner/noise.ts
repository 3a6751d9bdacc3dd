import type { Catalog } from "../../engine/catalog/catalog.ts";
import { distanceOf } from "../../engine/closest-name.ts";
import { correctWord, type Lexicon, lexiconOf } from "./lexicon.ts";

/**
 * The noise people type around a question to a data bot (issue #15; collected with sources in
 * tests/fixtures/question-noise.yaml): a greeting and the bot's name ("hey dp", "@dp", "<@U04…>"), discourse
 * ("quick q", "real quick", "just curious", "tbh", "fwiw"), a request frame ("can you pull", "could you tell me",
 * "i need", "do we know", "what's the deal with"), trailing context ("for the board deck", "asap", "need it by
 * tuesday"), politeness ("pls", "thanks!", "ty"), hedges ("ballpark", "roughly", "give or take"), emoji, Slack
 * shortcodes and stretched letters ("sooo", "heyyy").
 *
 * Each is removed only where it cannot carry meaning: frames at the start or the end of the question (a greeting
 * or "can you pull" before the question, "for the board deck" after it) and interjections that never name a number
 * ("um", "tbh", "lol", "ballpark"). A word that means something to the planner is never noise: a phrase is kept
 * whole when any word of it is a catalog or period word (a metric, dimension, value, month, grain), and the words
 * that filter, compare or negate ("just", "only", "not", "except", "without", "new", "top", "over", "per", "by",
 * "more", "less") are in no list here — "just curious" is noise, "just Pro" keeps its "just".
 */

/** Words a stretched spelling is brought back to ("sooo" → "so", "heyyy" → "hey", "thanksss" → "thanks"). */
const STRETCHABLE = new Set(
  `so hey hi hello hiya yo ok okay oh um uh hmm erm lol haha pls plz please thanks thx ty cheers well yes yeah yep
  good morning sorry you thank lmk`.split(/\s+/),
);

const SEP = String.raw`[\s,.:;!?…—–~-]`;

/** Greetings and the bot addressed, said first ("hey dp!", "good morning team,", "@dp", "dp,"). */
const GREETING = String.raw`(?:(?:hey|hi|hello|hiya|howdy|yo|greetings|gm|good\s+(?:morning|afternoon|evening)|morning|afternoon|evening)(?:\s+(?:there|dp|team|all|folks|guys|everyone|y'all|again))?|dp(?=${SEP}*[,:!—–-])|how\s+(?:are|r)\s+(?:you|u|ya)(?:\s+doing)?(?=${SEP}*[?!,.])|how'?s\s+it\s+going(?=${SEP}*[?!,.])|hope\s+(?:you(?:'re|\s+are)(?:\s+doing)?|all\s+is|everything\s+is)\s+(?:well|good|great))`;
/** Discourse said first: it sets up the question and says nothing about the number. */
const DISCOURSE = String.raw`(?:(?:i'?m\s+|i\s+am\s+)?(?:new\s+here|new\s+to\s+(?:the|this)\s+(?:team|company|channel))|quick\s+(?:q|qq|question|one)|real\s+quick|random\s+(?:q|question)|(?:dumb|silly|stupid|noob|basic)\s+question(?:\s+but)?|just\s+(?:curious|wondering|checking)|sanity\s+check|(?:i'?m\s+|i\s+am\s+|i\s+was\s+|was\s+)?(?:curious|wondering)|sorry\s+to\s+(?:bother|bug|ask)(?:\s+you)?|sorry|question|q|ok(?:ay)?\s+so|ok(?:ay)?|so(?!\s+far\b)|oh|also|well|alright|right\s+so|um|uh|erm|hmm|tbh|fwiw|btw|imo|imho|ngl|anyway|anyways|hmm)`;
/** "new here", "new to the team": who asks, said first; never a new-customers word. */
const NEW_HERE = /\bnew\s+(?=here\b|to\s+(?:the|this)\b)/g;
/** Hedges about precision: the planner answers the exact figure either way. */
const HEDGE = String.raw`(?:ballpark(?:\s+(?:figure|number|is\s+fine|is\s+ok|is\s+okay))?|in\s+the\s+ballpark|rough(?:ly)?(?:\s+speaking)?|approx(?:imately)?)`;
/** Hedges said only last: first, "more or less" would be a comparison ("more or less deals than in June"). */
const HEDGE_LAST = String.raw`(?:${HEDGE}|give\s+or\s+take|more\s+or\s+less|or\s+so|-?ish)`;
const YOU = String.raw`(?:you|u|ya|dp)`;
const POLITE = String.raw`(?:(?:please|pls|plz|kindly|quickly|real\s+quick)\s+)*`;
/** The request verb of a frame and its object pronoun ("pull", "tell me", "help me with", "let me know"). */
const ASK_VERB = String.raw`(?:pull(?:\s+up)?(?:\s+for\s+me)?|grab|fetch|get(?:\s+me)?|check(?:\s+on)?|look\s+up|find(?:\s+out)?|tell\s+me|teach\s+me|show\s+me|give\s+me|share|let\s+me\s+know|remind\s+me(?:\s+of)?|confirm|help\s+me\s+(?:with|find|figure\s+out|understand)|help\s+with)`;
/**
 * A request frame said first ("can you pull", "would you mind telling me", "i need", "do we know", "any idea"); "please
 * teach me" is the Japanese 教えて (oshiete: tell me), said by learners as "teach".
 */
const REQUEST = String.raw`(?:(?:can|could|would|will|cud|cn)\s+${YOU}\s+${POLITE}${ASK_VERB}|(?:if\s+)?${YOU}\s+(?:could|can|would)\s+${POLITE}${ASK_VERB}|(?:is\s+it\s+possible|is\s+there\s+a\s+way)\s+to\s+(?:get|see|pull|know|find\s+out|check)|would\s+${YOU}\s+mind\s+(?:telling\s+me|pulling(?:\s+up)?|checking|looking\s+up|sharing)|(?:i|we)\s+(?:need|want|would\s+like|'d\s+like|wanna|would\s+love)(?:\s+to\s+(?:know|see|get|find\s+out|check))?|i'd\s+like(?:\s+to\s+(?:know|see|get|find\s+out|check))?|(?:do|does)\s+(?:we|you|u|anyone|anybody)\s+know|any\s+idea|${POLITE}(?:tell\s+me|show\s+me|give\s+me|get\s+me|remind\s+me(?:\s+of)?|let\s+me\s+know|help\s+me\s+(?:with|find|figure\s+out|understand)|teach\s+(?:me|us))|need)`;

/**
 * Idioms said first whose words the catalog also has: "what's the deal with" asks about what follows (a count of
 * deals is "deals", never "the deal with").
 */
const IDIOM = /^(?:what'?s|what\s+is)\s+(?:the\s+|up\s+)?deal\s+with\s+(?=\S)/;

/** What a question may open with: any of the above, one after another, with the punctuation between them. */
const OPENING = new RegExp(
  String.raw`^(?:@[\w.-]+|<@[\w]+>|${GREETING}|${DISCOURSE}|${HEDGE}|${REQUEST})(?=${SEP}|$)${SEP}*`,
);

/**
 * The adverbs a request frame holds between "you" and its verb ("could you quickly pull"): they say how to ask, in
 * the one slot of the frame where they can stand, so a catalog word among them ("quickly" of "how quickly we
 * respond") is not read there. Likewise the "no" of "no rush" (the only "no" a closing frame holds).
 */
const SLOT_ADVERB = /\b(?:please|pls|plz|kindly|quickly)\b/g;

/** Thanks and politeness said last ("thanks!", "thx in advance", "ty", "cheers", "thanks for the help"). */
const THANKS = String.raw`(?:thanks|thank\s+(?:you|u)|thankyou|many\s+thanks|tia|tyvm|lmk|let\s+me\s+know|thx|thnx|thanx|thks|tnx|ty|tysm|cheers|much\s+appreciated|appreciate\s+it|appreciated|please|pls|plz)(?:\s+(?:so\s+much|a\s+lot|a\s+ton|in\s+advance|for\s+(?:the|your)\s+help|for\s+helping|again|all|team|dp))*`;
/** When and why it is needed, said last ("asap", "when you get a chance", "for the board deck", "need it by tuesday"). */
const CONTEXT = String.raw`(?:asap|urgent(?:ly)?|for\s+(?:me|us)|no\s+(?:rush|worries|hurry|pressure)|whenever|if\s+(?:you\s+can|possible|you\s+could|you\s+get\s+a\s+chance)|when\s+you\s+(?:get|have)\s+a\s+(?:sec|second|chance|minute|moment)|(?:(?:it'?s|this\s+is|i\s+need\s+it|need\s+it|need\s+this)\s+)?for\s+(?:the|my|our|a|an|tomorrow'?s|upcoming)?\s*(?:board\s+(?:deck|meeting|slides?|update)|board|investor\s+(?:update|deck|meeting|call|memo)|investors|qbr|mbr|(?:monthly|quarterly)\s+(?:business\s+)?review|all[\s-]hands|1:1(?:\s+with\s+(?:the\s+)?(?:ceo|cfo|board|my\s+manager))?|one[\s-]on[\s-]one|standup|deck|slides?|memo)|(?:i\s+)?need(?:\s+(?:it|this))?\s+(?:by|before)\s+(?:eod|eow|tonight|tomorrow|noon|monday|tuesday|wednesday|thursday|friday|end\s+of\s+(?:day|week)))`;
const CLOSING = new RegExp(
  String.raw`${SEP}*(?<![a-z0-9'])(?:@[\w.-]+|${THANKS}|${CONTEXT}|${HEDGE_LAST}|lol|haha|lmao)${SEP}*$`,
);

/** Interjections that never name a number, wherever they are typed ("what was, um, mrr", "mrr tbh"). */
const INTERJECTION = /(?:^|[\s,]+)(?:um+|uh+|erm|hmm+|tbh|fwiw|imo|imho|ngl|lol|lmao|haha+|ballpark)(?=[\s,?.!]|$),?/g;

/** Emoji (with their joiners and skin tones), Slack shortcodes (":pray:") and mentions ("<@U04DPBOT>"). */
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{FE0F}\u{200D}]+/gu;
const SHORTCODE = /(?<=^|\s):[a-z0-9_+'-]+:(?=\s|$|[?.!,])/g;
const SLACK_MENTION = /<@[\w]+>/g;
/** Emoticons typed as text (":)", ";-)", ":D", "<3"). */
const EMOTICON = /(?<=^|\s)(?:[:;=]-?[)(dpo3|\/\\]+|<3+)(?=\s|$)/g;

/** Noise words of five letters or more a slip of one letter may hide ("thansk", "plese", "coudl", "qucik"). */
const RESPELLABLE = `thanks please could would hello quick curious wondering question ballpark roughly appreciate
  appreciated cheers morning advance possible`.split(/\s+/);

/**
 * A noise word typed with one slip brought back, when it is no word the planner knows and no catalog or period word
 * is that close ("thansk" → "thanks"; a misspelt metric stays the planner's to correct).
 */
function respelled(word: string, lexicon: Lexicon): string {
  if (word.length < 4 || lexicon.words.has(word)) return word;
  const corrected = correctWord(word, lexicon);
  // a catalog or period word is the planner's to correct; a function word with two letters swapped is read here
  // (and two words run together are split there, never here: the view keeps one word for one word)
  if (corrected) return lexicon.targets.has(corrected) || corrected.includes(" ") ? word : corrected;
  const near = RESPELLABLE.filter((n) => Math.abs(n.length - word.length) <= 1 && distanceOf(word, n) === 1);
  return near.length === 1 ? near[0]! : word;
}

/** A stretched noise word brought back ("sooo" → "so"), and one typed with a slip; any other word is left as typed. */
function unstretch(text: string, lexicon: Lexicon): string {
  return text.replace(/[a-z]+/g, (typed) => {
    const w = respelled(typed, lexicon);
    if (!/(.)\1/.test(w)) return w;
    const one = w.replace(/(.)\1+/g, "$1");
    const two = w.replace(/(.)\1+/g, "$1$1");
    return STRETCHABLE.has(w) ? w : STRETCHABLE.has(one) ? one : STRETCHABLE.has(two) ? two : w;
  });
}

/**
 * The question without the noise around it; the question as typed when removing would leave nothing, or would take
 * a word the catalog or a period reads.
 */
/** a bracketed aside that only says when or what for: "(no rush at all)", "(for the board deck)", "(asap)" */
const CONTEXT_ASIDE = new RegExp(String.raw`\(\s*${CONTEXT}(?:\s+at\s+all)?[\s.!]*\)`, "g");
export function withoutNoise(question: string, catalog: Catalog): string {
  const lexicon = lexiconOf(catalog);
  const meaningful = (said: string) => (said.match(/[a-z]+/g) ?? []).some((w) => lexicon.targets.has(w));
  const typed = question
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(SLACK_MENTION, " ")
    .replace(EMOJI, " ")
    .replace(SHORTCODE, " ")
    .replace(EMOTICON, " ")
    .replace(INTERJECTION, (m) => (meaningful(m) ? m : " "))
    // "how many deals are in Contract Sent (no rush at all)": a timing or purpose aside in brackets, anywhere
    .replace(CONTEXT_ASIDE, " ")
    .replace(/\s+/g, " ")
    .trim();
  // frames are matched on a view with stretched and misspelt noise words brought back ("sooo", "thansk"); what is
  // kept is cut from the words as typed, so a word outside the frames is never respelt
  const view = unstretch(typed, lexicon);
  let [a, b] = [0, view.length];
  for (let changed = true; changed; ) {
    changed = false;
    const idiom = IDIOM.exec(view.slice(a, b));
    if (idiom) {
      a += idiom[0].length;
      changed = true;
    }
    const open = OPENING.exec(view.slice(a, b));
    // "new here": the one saying it is new, never new customers
    if (open && open[0].length < b - a && !meaningful(open[0].replace(SLOT_ADVERB, " ").replace(NEW_HERE, " "))) {
      a += open[0].length;
      while (view[a] === " ") a++;
      changed = true;
    }
    const close = CLOSING.exec(view.slice(a, b));
    if (close && close.index > 0 && !meaningful(close[0].replace(/\bno\b/g, " "))) {
      b = a + close.index;
      while (b > a && view[b - 1] === " ") b--;
      changed = true;
    }
  }
  return cut(typed, view, a, b).replace(/\s+/g, " ").trim() || question;
}

/**
 * view[a, b) cut from the text as typed: the view differs only inside words (one word for one word), so the k-th word
 * and the characters between words are the same in both.
 */
function cut(typed: string, view: string, a: number, b: number): string {
  const words = (s: string) => [...s.matchAll(/[a-z0-9]+/g)].map((m) => [m.index!, m.index! + m[0].length] as const);
  const [inView, inTyped] = [words(view), words(typed)];
  const before = inView.filter(([, end]) => end <= a).length;
  const after = inView.filter(([start]) => start >= b).length;
  const n = inView.length;
  const start = before === 0 ? a : inTyped[before - 1]![1] + (a - inView[before - 1]![1]);
  const end = after === 0 ? typed.length - (view.length - b) : inTyped[n - after]![0] - (inView[n - after]![0] - b);
  return typed.slice(start, end);
}
