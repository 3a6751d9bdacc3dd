import type { Catalog } from "../../engine/catalog/catalog.ts";
import { lexiconOf } from "./lexicon.ts";

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
const GREETING = String.raw`(?:(?:hey|hi|hello|hiya|howdy|yo|greetings|gm|good\s+(?:morning|afternoon|evening)|morning|afternoon|evening)(?:\s+(?:there|dp|team|all|folks|guys|everyone|y'all|again))?|dp(?=${SEP}*[,:!—–-]))`;
/** Discourse said first: it sets up the question and says nothing about the number. */
const DISCOURSE = String.raw`(?:quick\s+(?:q|qq|question|one)|real\s+quick|random\s+(?:q|question)|(?:dumb|silly|stupid|noob|basic)\s+question(?:\s+but)?|just\s+(?:curious|wondering|checking)|sanity\s+check|(?:i'?m\s+|i\s+am\s+|i\s+was\s+|was\s+)?(?:curious|wondering)|sorry\s+to\s+(?:bother|bug|ask)(?:\s+you)?|sorry|question|q|ok(?:ay)?\s+so|ok(?:ay)?|so(?!\s+far\b)|oh|also|well|alright|right\s+so|um|uh|erm|hmm|tbh|fwiw|btw|imo|imho|ngl|anyway|anyways|hmm)`;
/** Hedges about precision: the planner answers the exact figure either way. */
const HEDGE = String.raw`(?:ballpark(?:\s+(?:figure|number|is\s+fine|is\s+ok|is\s+okay))?|in\s+the\s+ballpark|rough(?:ly)?(?:\s+speaking)?|approx(?:imately)?)`;
/** Hedges said only last: first, "more or less" would be a comparison ("more or less deals than in June"). */
const HEDGE_LAST = String.raw`(?:${HEDGE}|give\s+or\s+take|more\s+or\s+less|or\s+so|-?ish)`;
const YOU = String.raw`(?:you|u|ya|dp)`;
const POLITE = String.raw`(?:(?:please|pls|plz|kindly|quickly|real\s+quick)\s+)*`;
/** The request verb of a frame and its object pronoun ("pull", "tell me", "help me with", "let me know"). */
const ASK_VERB = String.raw`(?:pull(?:\s+up)?(?:\s+for\s+me)?|grab|fetch|get(?:\s+me)?|check(?:\s+on)?|look\s+up|find(?:\s+out)?|tell\s+me|show\s+me|give\s+me|share|let\s+me\s+know|remind\s+me(?:\s+of)?|confirm|help\s+me\s+(?:with|find|figure\s+out|understand)|help\s+with)`;
/** A request frame said first ("can you pull", "would you mind telling me", "i need", "do we know", "any idea"). */
const REQUEST = String.raw`(?:(?:can|could|would|will|cud|cn)\s+${YOU}\s+${POLITE}${ASK_VERB}|(?:if\s+)?${YOU}\s+(?:could|can|would)\s+${POLITE}${ASK_VERB}|(?:is\s+it\s+possible|is\s+there\s+a\s+way)\s+to\s+(?:get|see|pull|know|find\s+out|check)|would\s+${YOU}\s+mind\s+(?:telling\s+me|pulling(?:\s+up)?|checking|looking\s+up|sharing)|(?:i|we)\s+(?:need|want|would\s+like|'d\s+like|wanna|would\s+love)(?:\s+to\s+(?:know|see|get|find\s+out|check))?|i'd\s+like(?:\s+to\s+(?:know|see|get|find\s+out|check))?|(?:do|does)\s+(?:we|you|u|anyone|anybody)\s+know|any\s+idea|${POLITE}(?:tell\s+me|show\s+me|give\s+me|get\s+me|remind\s+me(?:\s+of)?|let\s+me\s+know|help\s+me\s+(?:with|find|figure\s+out|understand))|need)`;

/**
 * Idioms said first whose words the catalog also has: "what's the deal with" asks about what follows (a count of
 * deals is "deals", never "the deal with").
 */
const IDIOM = /^(?:what'?s|what\s+is)\s+(?:the\s+|up\s+)?deal\s+with\s+(?=\S)/;

/** What a question may open with: any of the above, one after another, with the punctuation between them. */
const OPENING = new RegExp(
  String.raw`^(?:@[\w.-]+|<@[\w]+>|${GREETING}|${DISCOURSE}|${HEDGE}|${REQUEST})(?=${SEP}|$)${SEP}*`,
);

/** Thanks and politeness said last ("thanks!", "thx in advance", "ty", "cheers", "thanks for the help"). */
const THANKS = String.raw`(?:thanks|thank\s+(?:you|u)|thankyou|many\s+thanks|tia|tyvm|lmk|let\s+me\s+know|thx|thnx|thanx|thks|tnx|ty|tysm|cheers|much\s+appreciated|appreciate\s+it|appreciated|please|pls|plz)(?:\s+(?:so\s+much|a\s+lot|a\s+ton|in\s+advance|for\s+(?:the|your)\s+help|for\s+helping|again|all|team|dp))*`;
/** When and why it is needed, said last ("asap", "when you get a chance", "for the board deck", "need it by tuesday"). */
const CONTEXT = String.raw`(?:asap|urgent(?:ly)?|for\s+(?:me|us)|no\s+rush|no\s+worries|whenever|if\s+(?:you\s+can|possible|you\s+could|you\s+get\s+a\s+chance)|when\s+you\s+(?:get|have)\s+a\s+(?:sec|second|chance|minute|moment)|(?:(?:it'?s|this\s+is|i\s+need\s+it|need\s+it|need\s+this)\s+)?for\s+(?:the|my|our|a|an|tomorrow'?s|upcoming)?\s*(?:board\s+(?:deck|meeting|slides?|update)|board|investor\s+(?:update|deck|meeting|call|memo)|investors|qbr|all[\s-]hands|1:1(?:\s+with\s+(?:the\s+)?(?:ceo|cfo|board|my\s+manager))?|one[\s-]on[\s-]one|standup|deck|slides?|memo)|(?:i\s+)?need(?:\s+(?:it|this))?\s+(?:by|before)\s+(?:eod|eow|tonight|tomorrow|noon|monday|tuesday|wednesday|thursday|friday|end\s+of\s+(?:day|week)))`;
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

/** A stretched noise word brought back ("sooo" → "so"); any other word is left as typed. */
function unstretch(text: string): string {
  return text.replace(/[a-z]+/g, (w) => {
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
export function withoutNoise(question: string, catalog: Catalog): string {
  const { targets } = lexiconOf(catalog);
  const meaningful = (said: string) => (said.match(/[a-z]+/g) ?? []).some((w) => targets.has(w));
  let text = unstretch(
    question
      .toLowerCase()
      .replace(/[‘’]/g, "'")
      .replace(SLACK_MENTION, " ")
      .replace(EMOJI, " ")
      .replace(SHORTCODE, " ")
      .replace(EMOTICON, " ")
      .replace(/\s+/g, " ")
      .trim(),
  );
  text = text.replace(INTERJECTION, (m) => (meaningful(m) ? m : " ")).trim();
  for (let changed = true; changed; ) {
    changed = false;
    const idiom = IDIOM.exec(text);
    if (idiom) {
      text = text.slice(idiom[0].length);
      changed = true;
    }
    const open = OPENING.exec(text);
    if (open && open[0].length < text.length && !meaningful(open[0])) {
      text = text.slice(open[0].length).trimStart();
      changed = true;
    }
    const close = CLOSING.exec(text);
    if (close && close.index > 0 && !meaningful(close[0])) {
      text = text.slice(0, close.index).trimEnd();
      changed = true;
    }
  }
  return text.replace(/\s+/g, " ").trim() || question;
}
