import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { execSaid } from "./may-match.ts";

/**
 * A ranking with a named value set aside (#15, batch 34): "and after the US, which country has the most paying
 * customers?", "which plan has the most MRR other than Pro", "besides Germany, what country …". The ranking is read
 * without the words, and the value — one the ranked column holds, by name or a value synonym ("the US", "Germany" →
 * DE) — is left out of it (a not-in filter): the leader of the rest. Read only for a ranking by that column (a metric's
 * dimension, or a count of a mart's rows by a column); otherwise the question is left to be asked back as before.
 */
type Again = (q: string) => Plan | Refusal;

const ASIDE = String.raw`(?:after|other\s+than|besides|beside|apart\s+from|aside\s+from|excluding|except(?:\s+for)?|not\s+counting|leaving\s+out|outside(?:\s+of)?)`;
const LEADING = new RegExp(
  String.raw`^(?:and\s+|so\s+|ok\s+)?${ASIDE}\s+(.+?)\s*[,;:—–-]?\s+((?:which|what|who)\b.*)$`,
  "i",
);
const TRAILING = new RegExp(String.raw`^((?:and\s+)?(?:which|what|who)\b.+?)\s*[,;:—–-]?\s+${ASIDE}\s+(.+?)$`, "i");

const esc = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** the values of mart.column a phrase names: a value itself, or a value synonym ("the us", "germany") */
function valuesNamed(catalog: Catalog, mart: string, column: string, said: string): string[] | undefined {
  const phrase = said
    .toLowerCase()
    .replace(/^the\s+/, "")
    .trim();
  const known = catalog.dimensionValues?.get(`${mart}.${column}`) ?? [];
  const exact = known.filter((v) => v.toLowerCase() === phrase);
  if (exact.length) return exact;
  const col = catalog.models.get(mart)?.columns.find((c) => c.name === column);
  for (const [name, values] of Object.entries(col?.value_synonyms ?? {})) {
    const n = name.toLowerCase();
    if (n === phrase || n === `the ${phrase}`) return values.map(String);
  }
  return undefined;
}

export function afterValue(bare: string, catalog: Catalog, again: Again): Plan | undefined {
  const text = bare.trim().replace(/[?!.]+$/, "");
  const lead = execSaid(LEADING, text);
  const trail = lead ? undefined : execSaid(TRAILING, text);
  const [said, question] = lead ? [lead[1]!, lead[2]!] : trail ? [trail[2]!, trail[1]!] : [];
  if (!said || !question || said.split(/\s+/).length > 4) return undefined;
  const planned = again(question);
  if (planned.status !== "plan" || planned.calls.length < 1) return undefined;
  const call = planned.calls[0]!;
  const input = call.input as Record<string, unknown>;
  let calls = planned.calls;
  if (planned.intent === "argmax" && call.name === "query_metric") {
    const dim = (input.group_by as string[] | undefined)?.[0];
    const metric = catalog.metrics.find((m) => m.name === input.metric);
    if (!dim || !metric) return undefined;
    const values = valuesNamed(catalog, metric.mart, dim, said);
    if (!values) return undefined;
    const filter = { dimension: dim, op: "not_in", value: values };
    calls = calls.map((c) =>
      c.name === "query_metric" &&
      c.input.metric === input.metric &&
      (c.input.group_by as string[] | undefined)?.[0] === dim
        ? { ...c, input: { ...c.input, filters: [...((c.input.filters as unknown[]) ?? []), filter] } }
        : c,
    );
  } else if (call.name === "top_n" && planned.calls.length === 1 && input.count === true) {
    const values = valuesNamed(catalog, String(input.mart), String(input.label), said);
    if (!values) return undefined;
    const filter = { column: String(input.label), op: "not_in", value: values };
    calls = [{ ...call, input: { ...input, filters: [...((input.filters as unknown[]) ?? []), filter] } }];
  } else return undefined;
  if (!new RegExp(`\\b${esc(said.toLowerCase().replace(/^the\s+/, ""))}\\b`).test(text.toLowerCase())) return undefined;
  const interpretation = planned.interpretation && {
    ...planned.interpretation,
    read_as: `${planned.interpretation.read_as}, leaving out ${said}`,
    why: [...planned.interpretation.why, `"${said}" set aside: the ranking of the others`],
  };
  return { ...planned, calls, ...(interpretation ? { interpretation } : {}) };
}
