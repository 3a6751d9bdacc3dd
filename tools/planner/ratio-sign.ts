import type { Catalog } from "../../engine/catalog/catalog.ts";
import { findPeriods } from "./periods.ts";
import { wordsOf } from "./text.ts";
import { type Understood, understand } from "./understand.ts";
import { execSaid } from "./may-match.ts";

/**
 * "failed payments ÷ payment attempts in October", "churned customers / active customers Q3", "refunds divided by
 * gross payments YTD": a ratio spelled with a sign is A per B — read as such when both sides are metrics of the
 * catalog over one period, asked back otherwise; never the first side alone (a count stated for a ratio). A slash
 * between two letters with no space ("DAU/MAU", "w/o") is a name or shorthand, not this sign.
 */
const SIGNED = /^(.*?\S)\s*(?:÷|\s\/\s|\bdivided\s+by\b)\s*(\S.*)$/;

/** The question with its ratio sign said as "per", or undefined when it has none. */
export function ratioSigned(text: string): string | undefined {
  const m = execSaid(SIGNED, text);
  if (!m) return undefined;
  return `${m[1]} per ${m[2]}`;
}

/** "(failed ÷ attempts)": a quotient of two short words spelled out in parentheses */
const DEFINED =
  /^(.*?)\s*\(\s*([a-z][a-z ]{0,40}?)\s*(?:÷|\/|\bdivided\s+by\b|\bover\b)\s*([a-z][a-z ]{0,40}?)\s*\)\s*(.*)$/i;
/** the words of a ratio's name, which name no side of it */
const RATIO_WORDS = new Set(
  "rate ratio share percent percentage pct fraction proportion the of a an our in for during as at".split(" "),
);

function plainMetric(u: ReturnType<typeof understand>): Understood | undefined {
  if (!("interpretation" in u)) return undefined;
  if (u.compare || u.extra.length || u.groupBy.length || u.grain || u.argmax || u.filters.length) return undefined;
  return u;
}

/**
 * "payment failure rate Oct (failed ÷ attempts)": a rate the catalog has no metric of, defined in parentheses by two
 * short words, each read with a noun of the rate's name ("failed" + "payment" → failed payments, "attempts" →
 * payment attempts). When both are metrics and the first is a declared part of the second (part_of: a count over its
 * whole), the question is that share over the period said; otherwise undefined (the question is asked back as typed).
 */
export function definedRatio(question: string, catalog: Catalog, at: Date): string | undefined {
  const m = execSaid(DEFINED, question);
  if (!m) return undefined;
  const outside = `${m[1]} ${m[4]}`.replace(/[,;:—–-]+/g, " ").trim();
  if (plainMetric(understand(outside, catalog, at))) return undefined;
  const p = findPeriods(outside.toLowerCase(), at)[0];
  const periodSaid = p ? outside.slice(p.start, p.end) : "";
  const nouns = wordsOf((p ? `${outside.slice(0, p.start)} ${outside.slice(p.end)}` : outside).toLowerCase())
    .map((w) => w.text)
    .filter((w) => !RATIO_WORDS.has(w));
  const side = (said: string): Understood | undefined => {
    const s = said.trim().toLowerCase();
    const tries = [s, ...nouns.flatMap((n) => [`${s} ${n}s`, `${s} ${n}`, `${n} ${s}`])];
    for (const t of tries) {
      const u = plainMetric(understand(`${t} ${periodSaid}`.trim(), catalog, at));
      if (u) return { ...u, text: t };
    }
    return undefined;
  };
  const a = side(m[2]!);
  const b = side(m[3]!);
  if (!a || !b || a.metric.part_of !== b.metric.name) return undefined;
  return `${a.text} as a share of ${b.text} ${periodSaid}`.trim();
}
