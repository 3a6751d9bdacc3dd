import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";

/**
 * A rate asked with its own count (#15, batch 36): "crm match rate and # matched", "win rate and # won last month",
 * "churn rate last month and how many churned". The count is a part the rate's answer already states (its numerator
 * or companion: "67.0% (Stripe customers matched to a HubSpot company: 685)"), so the question is the rate, read with
 * the period said anywhere — only when the counted word is that part's (its name, label or a synonym holds it);
 * otherwise the question is left as it was read.
 */
type Again = (q: string) => Plan | Refusal;

const WITH_COUNT =
  /^(.+?)\s*,?\s+(?:and|\+|&|plus|w\/|with)\s+(?:also\s+)?(?:the\s+)?(?:#|number(?:\s+of)?|no\.|count(?:\s+of)?|how\s+many)\s*(?:of\s+)?(?:them\s+|those\s+)?([a-z]+)\b(.*)$/i;

const stem = (w: string) =>
  w
    .toLowerCase()
    .replace(/(?:ed|ing|s)$/, "")
    .replace(/e$/, "");

export function companionCount(bare: string, catalog: Catalog, again: Again): Plan | undefined {
  const m = WITH_COUNT.exec(bare.trim().replace(/[?!.]+$/, ""));
  if (!m) return undefined;
  const [, rate, word, tail = ""] = m;
  // the tail after the counted word is a period or nothing ("… and # won last month")
  if (tail.trim().split(/\s+/).filter(Boolean).length > 4) return undefined;
  const planned = again(`${rate} ${tail}`.replace(/\s+/g, " ").trim());
  if (planned.status !== "plan" || planned.intent !== "metric" || !planned.interpretation) return undefined;
  const main = catalog.metrics.find((x) => x.name === planned.interpretation!.metric);
  if (main?.format !== "percent") return undefined;
  const counted = stem(word!);
  const part = planned.calls
    .filter((c) => c.role === "numerator" || c.role === "companion")
    .map((c) => catalog.metrics.find((x) => x.name === c.input.metric))
    .find((x) =>
      [x?.name.replaceAll("_", " "), x?.label, ...(x?.synonyms ?? [])].some((p) =>
        (p ?? "")
          .toLowerCase()
          .split(/[^a-z]+/)
          .some((w) => w && stem(w) === counted),
      ),
    );
  if (!part) return undefined;
  return {
    ...planned,
    interpretation: {
      ...planned.interpretation,
      read_as: `${planned.interpretation.read_as}, with ${part.label ?? part.name} (the count asked)`,
      why: [...planned.interpretation.why, `"${word}": the count the rate is made of (${part.name}), stated with it`],
    },
  };
}
