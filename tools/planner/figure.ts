/**
 * The number a figure written in a question stands for, read one way for every bound the planner reads (a row
 * threshold, a bucket count, a belief check): "$5k" 5,000, "1.2m" 1,200,000, "$2 million" 2,000,000, "3bn"
 * 3,000,000,000, "2.5%" 0.025. Currency marks, commas and spaces are not part of the number; "m" is a million
 * here, because a bound's minutes are read from the unit word after the figure, never from a suffix.
 */
export function figureValue(figure: string): number {
  const said = figure.toLowerCase();
  const digits = /\d[\d,]*(?:\.\d+)?/.exec(said)?.[0].replaceAll(",", "");
  if (digits === undefined) return Number.NaN;
  const percent = /%|percent|per\s?cent|pct/.test(said);
  const scale = /\d\s?(mm|m|bn|b|k)\b|\d\s(thousand|million|mil|billion)\b/.exec(said.replace(/\s?%.*$/, ""));
  const word = scale ? (scale[1] ?? scale[2]!) : "";
  const factor = /^(?:k|thousand)$/.test(word)
    ? 1e3
    : /^(?:m|mm|million|mil)$/.test(word)
      ? 1e6
      : /^(?:b|bn|billion)$/.test(word)
        ? 1e9
        : 1;
  const value = Number(digits) * factor;
  return percent ? value / 100 : value;
}
