import type { Catalog } from "../../engine/catalog/catalog.ts";

/**
 * "how many trialing right now", "how many past due?": a state said with no noun (#15, batch 53). A word the catalog
 * declares a value of one mart's column (customers.status value_synonyms: trialing, past due) and of no other mart's
 * is a count of that mart's rows: the mart's name is put in as the noun ("how many customers trialing right now"),
 * and the question is read as said. Two marts holding the word leave it as it was (asked back by the reading).
 */
const BARE =
  /^(how\s+many)\s+(?:are\s+(?:there\s+)?)?([a-z' -]+?)(\s+(?:right\s+now|now|currently|today|at\s+the\s+moment|at\s+present))?\s*\??$/;

export function bareStateSaid(text: string, catalog: Catalog): string | undefined {
  const m = BARE.exec(text.toLowerCase().trim());
  if (!m) return undefined;
  const word = m[2]!.trim();
  // (a metric's own name is no state: "how many churned" is churned customers)
  if (catalog.metrics.some((x) => x.synonyms.includes(word) || x.name === word.replaceAll(" ", "_"))) return undefined;
  const marts = new Set<string>();
  for (const model of catalog.models.values())
    if (
      model.schema === "marts" &&
      model.columns.some((c) => c.value_synonyms && Object.hasOwn(c.value_synonyms, word))
    )
      marts.add(model.name);
  if (marts.size !== 1) return undefined;
  const mart = [...marts][0]!;
  return `${m[1]} ${mart.replaceAll("_", " ")} ${word}${m[3] ?? ""}`;
}
