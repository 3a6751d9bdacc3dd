/**
 * "failed payments ÷ payment attempts in October", "churned customers / active customers Q3", "refunds divided by
 * gross payments YTD": a ratio spelled with a sign is A per B — read as such when both sides are metrics of the
 * catalog over one period, asked back otherwise; never the first side alone (a count stated for a ratio). A slash
 * between two letters with no space ("DAU/MAU", "w/o") is a name or shorthand, not this sign.
 */
const SIGNED = /^(.*?\S)\s*(?:÷|\s\/\s|\bdivided\s+by\b)\s*(\S.*)$/;

/** The question with its ratio sign said as "per", or undefined when it has none. */
export function ratioSigned(text: string): string | undefined {
  const m = SIGNED.exec(text);
  if (!m) return undefined;
  return `${m[1]} per ${m[2]}`;
}
