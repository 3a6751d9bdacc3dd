import { testSaid } from "./may-match.ts";
/**
 * A part after the question that says only a period ("how long does it take to close a deal? this year", "… ? Q3
 * numbers pls"): the period of the ask, typed after it. Anything else in the part ("sales had a rough October") is no
 * tail and stays context to ask back about.
 */
const FILLER =
  /^(?:for|in|of|over|during|the|just|only|so|far|to|date|numbers?|figures?|data|stats|pls|plz|please|thanks|thx|ty|too|as|well|ok|okay)$/;

/** The period a part said after the ask names, when the part says nothing but the period and filler words. */
export function tailPeriod(part: string, periods: readonly string[]): string | undefined {
  if (periods.length !== 1) return undefined;
  const period = periods[0]!;
  const at = part.toLowerCase().indexOf(period.toLowerCase());
  if (at < 0) return undefined;
  const rest = `${part.slice(0, at)} ${part.slice(at + period.length)}`
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  return rest.every((w) => testSaid(FILLER, w)) ? period : undefined;
}
