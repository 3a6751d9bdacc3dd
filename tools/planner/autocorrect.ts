import type { Catalog } from "../../engine/catalog/catalog.ts";
import { lexiconOf } from "./lexicon.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { replaceSaid } from "./may-match.ts";

/**
 * A phone's autocorrect of a catalog word (issue #15, batch 37): the jargon a keyboard does not know is turned into the
 * nearest dictionary word — "MRR" into "Mr", "ARPA" into "aria", "churn" into "church", "lose" into "loose", "trials"
 * into "trails". The typed word is a real word, so the closest-word correction (lexicon.ts) leaves it alone; it is
 * read back as the catalog word only when the question fails as typed and plans as read back (the rest of the
 * question fits that one reading), and the reading says so.
 */
const AUTOCORRECTED: Record<string, string> = {
  mr: "mrr",
  aria: "arpa",
  church: "churn",
  churches: "churns",
  loose: "lose",
  trails: "trials",
};

const SAID = new RegExp(`\\b(?:${Object.keys(AUTOCORRECTED).join("|")})\\b`, "gi");

/** The question read again with autocorrected catalog words put back; undefined when none is said or it still fails. */
export function readAutocorrected(
  question: string,
  catalog: Catalog,
  again: (q: string) => Plan | Refusal,
): Plan | undefined {
  const lexicon = lexiconOf(catalog);
  const fixes: string[] = [];
  const text = replaceSaid(question, SAID, (m) => {
    const meant = AUTOCORRECTED[m.toLowerCase()]!;
    // (a catalog that names the typed word itself reads it as typed: a plan called "Church" stays a plan)
    if (lexicon.targets.has(m.toLowerCase()) || !lexicon.words.has(meant)) return m;
    fixes.push(`"${m}" read as "${meant}" (a phone's autocorrect of it)`);
    return meant;
  });
  if (!fixes.length) return undefined;
  const planned = again(text);
  if (planned.status !== "plan") return undefined;
  return planned.interpretation
    ? { ...planned, interpretation: { ...planned.interpretation, why: [...fixes, ...planned.interpretation.why] } }
    : planned;
}
