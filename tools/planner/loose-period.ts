import { findPeriods } from "./periods.ts";

/**
 * Period words whose dates are not agreed (#15, batch 24): "since the start of summer", "over the holidays", "after
 * Easter", "during the Christmas break", "this spring". Seasons and holidays fall on different dates for different
 * people (and hemispheres), so the question is asked back naming the words — never answered with the words dropped
 * (a question read without its period is another period's number).
 */
const SEASON = String.raw`(?:summer|summertime|winter|spring|autumn|fall|(?:the\s+)?(?:summer|winter|spring|christmas|xmas|easter|holiday|festive)\s+(?:break|holidays?|season|period|shutdown|lull|rush))`;
const HOLIDAY = String.raw`(?:the\s+holidays|holiday\s+season|the\s+festive\s+season|christmas|xmas|easter|new\s+year'?s?|ramadan|diwali|chinese\s+new\s+year|lunar\s+new\s+year|hanukkah|passover)`;
/** the season or holiday as a period: after a period preposition, or with "this/last/the start of" before it */
const LOOSE = new RegExp(
  String.raw`\b(?:(?:since|after|before|during|over|in|through|throughout|across|around|until|till|from|for)\s+(?:the\s+)?(?:(?:start|beginning|end|middle|rest|course)\s+of\s+(?:the\s+)?)?(?:(?:this|last|past)\s+)?(?:${SEASON}|${HOLIDAY})|(?:this|last|past)\s+(?:${SEASON})|(?:start|beginning|end)\s+of\s+(?:the\s+)?(?:${SEASON}|${HOLIDAY}))\b`,
  "i",
);

/**
 * The ask-back for a period said by a season or a holiday, or undefined when none is said — or when the message names
 * a period of its own too ("We had an outage in the spring. Which month this year had the highest churn?": the season
 * is backstory, which the message reader weighs).
 */
export function loosePeriodAskBack(text: string, at: Date): string | undefined {
  // "the fall in MRR", "a fall of 5%": the noun, not the season
  const said = LOOSE.exec(text.replace(/\b(?:a|the)\s+fall\s+(?:in|of)\b/gi, " "));
  if (!said || findPeriods(text, at).length) return undefined;
  return `"${said[0].trim()}" has no agreed dates (a season or holiday starts and ends on different days for different people): say the months or dates you mean, e.g. "since June" or "from late December to early January"`;
}
