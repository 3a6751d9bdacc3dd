import { execSaid } from "./may-match.ts";
/**
 * A period anchored on an event the catalog does not date (#15, batch 33): "since the launch", "since we raised",
 * "after the rebrand", "since the new pricing", "before the price change". No model or var says when a launch, a
 * round or a pricing change happened, so the question is asked back for the date — never answered over all time
 * (the words dropped) or over a period guessed for the event. (Bare "since launch" is the business's whole life: all time.)
 */
const EVENT = String.raw`(?:re-?)?launch(?:ed|es|ing)?|go[\s-]?live|went\s+live|rebrand(?:ed|ing)?|raise[ds]?|fund(?:ed|ing|raise|raising)|(?:funding\s+)?round|seed(?:\s+round)?|series\s+[a-e]|(?:new\s+)?pricing(?:\s+(?:change|update|overhaul|page|model))?|price\s+(?:change|increase|hike|rise|update|cut|drop)s?|(?:changed|cut|increased|updated)\s+(?:our\s+|the\s+)?(?:prices|pricing)|redesign(?:ed)?|migration|migrated|pivot(?:ed)?|re-?org(?:anization)?|restructur(?:e|ed|ing)|acquisition|acquired|merger|merged|outage|incident|campaign|announcement|rollout|rolled\s+out|big\s+release|new\s+release|release|offsite|layoffs?`;
const ANCHOR = new RegExp(
  String.raw`\b(?:since|after|before|following|post)[\s-]+(?:(?:the|our|my|we|we've|we\s+have|we\s+had|we\s+did|i|they|their|that|last|latest|recent|big|new|product|app|v\d+)\s+)*(?:${EVENT})\b`,
  "i",
);

/** "since launch", "since we launched": the business's own launch, which the data dates */
const BARE_LAUNCH = /^(?:since|from)\s+(?:launch|(?:we|the\s+company)\s+(?:first\s+)?launched)$/i;

/** The ask-back for a period anchored on an undated event, or undefined when none is said. */
export function anchorEventAskBack(text: string): string | undefined {
  const said = execSaid(ANCHOR, text);
  if (!said) return undefined;
  // "total cash collected since launch", "since we launched": the company's whole life, i.e. all time (dated by the
  // data's first row) — only a launch of something ("the launch", "since we launched v2") is an event to date
  const after = text.slice(said.index + said[0].length);
  if (BARE_LAUNCH.test(said[0].trim()) && !/^\s+(?:the|our|a|an|v\d|version|new|it|that|this)\b/i.test(after))
    return undefined;
  const words = said[0].trim();
  return `"${words}" names an event the catalog has no date for (no model or var says when it was): say the date or month it happened, e.g. "since March 3, 2026" or "since Q2"`;
}
