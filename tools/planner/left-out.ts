import type { Catalog } from "../../engine/catalog/catalog.ts";
import { askBack } from "./ask-back.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { metricPhraseList, stemOf } from "./lexicon.ts";
import { saysNegation } from "./negation-words.ts";
import type { Plan, PlannedCall, Refusal } from "./plan-types.ts";

/**
 * One movement left out of another number (#15, batch 46): "new MRR in Q3, not counting win-backs", "churned MRR last
 * month, leave downgrades out of it", "net new MRR without reactivation", "trials that ended in Q3 and didn't
 * convert". The part left out names another metric of the same mart. What it does to the number is read from the
 * catalog, never from a list of names:
 * - the number's formula reads the part's column (revenue churn reads contraction_mrr): the part is inside a ratio or
 *   a sum I cannot take apart here — asked back;
 * - the number's description names the part ("New + reactivation + expansion − …", "trials that ended, converted or
 *   not"): the number minus the part, both over the same period and filters (an additive pair only, else asked back);
 * - neither: the number never held the part ("MRR from new customers … who never had MRR" holds no win-backs) — the
 *   number as it is, saying the part is not in it.
 * Read only when the question as typed was not answered (the words of the part are left unplaced).
 */
type Read = (question: string) => Plan | Refusal;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** a phrase as typed: case, hyphen or space, a plural s */
const phraseSource = (p: string) =>
  p
    .toLowerCase()
    .split(/[\s_-]+/)
    .map((w) => (w.length > 3 && w.endsWith("s") ? `${esc(w.slice(0, -1))}s?` : `${esc(w)}s?`))
    .join("[\\s-]*");

const LEADS = String.raw`(?:not\s+counting|not\s+including|don'?t\s+count|do\s+not\s+count|without|excluding|exclude|excl\.?|except(?:\s+for)?|ignoring|ignore|leaving\s+out|leave\s+out|apart\s+from|aside\s+from|other\s+than|net\s+of|no)`;
const OF_IT = String.raw`(?:\s+(?:in\s+it|in\s+there|of\s+(?:it|this|that|there)|included))?`;

/** the three forms of a phrase left out, compiled once per phrase */
const FORMS = new Map<string, RegExp[]>();
function formsOf(phrase: string): RegExp[] {
  let forms = FORMS.get(phrase);
  if (forms) return forms;
  const p = phraseSource(phrase);
  forms = [
    new RegExp(String.raw`[\s,;:—–(-]*\b${LEADS}\s+(?:the\s+|any\s+|all\s+)?${p}${OF_IT}\b`, "i"),
    new RegExp(
      String.raw`[\s,;:—–(-]*\b(?:leave|leaving|take|taking|strip|stripping|keep|keeping)\s+(?:the\s+|any\s+|all\s+)?${p}\s+out${OF_IT}\b`,
      "i",
    ),
    new RegExp(String.raw`[\s,;:—–(-]*\b${p}\s+(?:aside|excluded|left\s+out|taken\s+out|stripped\s+out)\b`, "i"),
  ];
  FORMS.set(phrase, forms);
  return forms;
}

/** the left-out clause of a question for a phrase: its span, or undefined */
function clauseOf(text: string, lower: string, phrase: string): [number, number] | undefined {
  // (a phrase whose first word is not in the question is not said: no regex run)
  const first = phrase.toLowerCase().split(/[\s_-]+/)[0]!;
  if (!lower.includes(first.length > 4 && first.endsWith("s") ? first.slice(0, -1) : first)) return undefined;
  for (const re of formsOf(phrase)) {
    const m = re.exec(text);
    if (m) return [m.index, m.index + m[0].length];
  }
  return undefined;
}

/** The columns a metric's formula aggregates ("sum(churned_mrr) + sum(contraction_mrr)" → churned_mrr, contraction_mrr). */
function columnsOf(m: MetricDef): Set<string> {
  return new Set([...m.expression.matchAll(/\bsum\(\s*([a-z_][a-z0-9_]*)\s*\)/gi)].map((x) => x[1]!.toLowerCase()));
}

/** A part's own words: the stems of its name and label that the number's name and label do not say ("reactivation"). */
function ownWords(whole: MetricDef, part: MetricDef, word?: string): string[] {
  if (word) return [stemOf(word.toLowerCase())];
  const of = (m: MetricDef) =>
    new Set(
      [m.name.replaceAll("_", " "), m.label ?? ""].flatMap((p) => (p.toLowerCase().match(/[a-z]+/g) ?? []).map(stemOf)),
    );
  const theirs = of(whole);
  return [...of(part)].filter((w) => w.length >= 3 && !theirs.has(w));
}

/**
 * How the number's description names the part: "added" (said in a sum, "New + reactivation + …", "Deals won plus deals
 * lost", or as one of what it counts, "converted or not"), "taken off" ("− churned", "before refunds", "less refunds":
 * leaving it out would put it back, or means the number before it — asked back), or undefined (not named).
 */
function namedAs(whole: MetricDef, part: MetricDef, word?: string): "added" | "taken off" | undefined {
  const tokens = (whole.description ?? "").toLowerCase().match(/[a-z]+|[+−–-]/g) ?? [];
  const own = new Set(ownWords(whole, part, word));
  let seen: "added" | "taken off" | undefined;
  tokens.forEach((t, k) => {
    if (!/^[a-z]+$/.test(t) || !own.has(stemOf(t))) return;
    const near = [tokens[k - 2], tokens[k - 1]].filter(Boolean) as string[];
    if (near.some((x) => /^(?:[−–-]|minus|less|before|after|net|excluding|without)$/.test(x))) seen = "taken off";
    else seen ??= "added";
  });
  return seen;
}

/** "Support tickets opened with priority high or urgent" holds "Support tickets opened"; "Free trials that ended in
 * the period and became paying" holds "Free trials that ended in the period" (the first clause of the number's own
 * description): the part is the number narrowed */
function narrows(whole: MetricDef, part: MetricDef): boolean {
  const own = (whole.description ?? "")
    .trim()
    .split(/[,;(:.]/)[0]!
    .trim()
    .toLowerCase();
  if (own.split(/\s+/).length < 3) return false;
  const theirs = (part.description ?? "").toLowerCase();
  return theirs.startsWith(own) && theirs.length > own.length;
}

function mainOf(plan: Plan): PlannedCall | undefined {
  const main = plan.calls.find((c) => c.role === "main");
  if (!main || main.name !== "query_metric") return undefined;
  return main;
}

const clarify = (catalog: Catalog, reason: string): Refusal => askBack(catalog, reason);

/** What leaving `part` out of the plan's number is: the number as it is, the number minus the part, or asked back. */
function leaveOut(
  plan: Plan,
  part: MetricDef,
  said: string,
  catalog: Catalog,
  word?: string,
): Plan | Refusal | undefined {
  const read = plan.interpretation;
  const main = mainOf(plan);
  if (!read || !main) return undefined;
  const whole = catalog.metrics.find((m) => m.name === (main.input as { metric: string }).metric);
  if (!whole || whole.name === part.name || whole.mart !== part.mart) return undefined;
  if (read.group_by.length || read.argmax || read.grain || read.threshold || read.compound || read.check)
    return undefined;
  const inFormula = [...columnsOf(part)].some((c) => columnsOf(whole).has(c));
  const wholeLabel = whole.label ?? whole.name;
  const partLabel = part.label ?? part.name;
  const flows = whole.time_rollup === "sum" && part.time_rollup === "sum";
  // (only two flows of one mart are apart when no word ties them: a level, MRR, holds every movement of it; a negated
  // verb, "didn't convert", is a part of the number only when its description says so)
  const how = namedAs(whole, part, word);
  const within = narrows(whole, part);
  if (!inFormula && flows && !word && !how && !within) {
    const note = `"${said.trim()}": ${partLabel} is not in ${wholeLabel} (${whole.description ?? whole.name}), so it is left out already`;
    return {
      ...plan,
      interpretation: {
        ...read,
        read_as: `${read.read_as}, ${partLabel.toLowerCase()} not in it`,
        why: [...read.why, note],
      },
    };
  }
  const filters = ((main.input as { filters?: { dimension: string }[] }).filters ?? []) as { dimension: string }[];
  const shared = filters.every((f) => part.dimensions.includes(f.dimension));
  // taken off only when it is added in the number (or the number narrowed): "taken off" already, or not named, asks back
  const added = within || how === "added";
  if (inFormula || !flows || !added || how === "taken off" || whole.format !== part.format || !shared)
    return clarify(
      catalog,
      `"${said.trim()}": ${how === "taken off" ? `${wholeLabel} already takes ${partLabel} off (${whole.description}): "without" it could mean before it or net of it` : added || inFormula ? `${partLabel} is part of ${wholeLabel}` : `I can't tell how ${partLabel} stands in ${wholeLabel}`}${inFormula ? ` (its formula reads it: ${whole.expression})` : ""}, and I can't take it out of that number here; ask for ${wholeLabel} and ${partLabel} and I'll give both`,
    );
  const input = main.input as Record<string, unknown>;
  return {
    status: "plan",
    intent: "arithmetic",
    calls: [
      { ...main, role: "left", input: { ...input } },
      { ...main, role: "minus", input: { ...input, metric: part.name } },
    ],
    interpretation: {
      ...read,
      read_as: `${read.metric_label} minus ${partLabel}, ${read.period.text}`,
      why: [
        ...read.why,
        `"${said.trim()}": ${partLabel} is part of ${wholeLabel} (${whole.description ?? whole.name}), so it is taken off: ${whole.name} less ${part.name}, each over the same period`,
      ],
    },
  };
}

/**
 * "and didn't convert", "that never converted", "that weren't high priority or urgent": a clause of another metric of
 * the mart, negated — the words after the negation, as far as that metric's names say them
 */
const NEGATED_CLAUSE =
  /[\s,;—–-]+(?:(?:and|but|that|which|who|yet)\s+)?(?:(?:did|do|does|were|was|are|is|have|has|had)(?:n'?t|\s+not)|never|not|didnt|werent|wasnt|arent|isnt)\s+(?:yet\s+|ever\s+|actually\s+|been\s+|get\s+|got\s+)?/gi;
const JOINS = new Set(["or", "and", "a", "an", "the", "as", "into"]);
const stemsOfPhrase = (p: string) => (p.toLowerCase().match(/[a-z]+/g) ?? []).map(stemOf);

function leftOutClause(text: string, catalog: Catalog, read: Read): Plan | Refusal | undefined {
  for (const neg of text.matchAll(NEGATED_CLAUSE)) {
    const before = text.slice(0, neg.index).trim();
    const after = text.slice(neg.index! + neg[0].length);
    const words = after.match(/[a-z0-9'$.,-]+/gi) ?? [];
    // each metric whose names say the first words after the negation: the longest saying wins, a tie asks back
    let best: { part: MetricDef; k: number }[] = [];
    for (const part of catalog.metrics) {
      if (part.time_rollup !== "sum") continue;
      const own = new Set(metricPhraseList(part).flatMap(stemsOfPhrase));
      let k = 0;
      let last = 0;
      while (k < words.length) {
        const w = words[k]!.toLowerCase().replace(/[^a-z']/g, "");
        if (!w) break;
        if (own.has(stemOf(w))) last = k + 1;
        else if (!JOINS.has(w)) break;
        k++;
      }
      if (!last) continue;
      if (!best.length || last > best[0]!.k) best = [{ part, k: last }];
      else if (last === best[0]!.k) best.push({ part, k: last });
    }
    if (!best.length) continue;
    const rest = `${before} ${words.slice(best[0]!.k).join(" ")}`.replace(/\s+/g, " ").trim();
    const plan = read(rest);
    if (plan.status !== "plan") continue;
    const main = plan.interpretation && mainOf(plan);
    const whole = main && catalog.metrics.find((m) => m.name === (main.input as { metric: string }).metric);
    if (!whole) continue;
    // the part is another metric of the number's mart; the words it takes are no name of the number
    const mart = best.filter((b) => b.part.mart === whole.mart && b.part.name !== whole.name);
    // ("weren't won" of deals closed: deals won, the count, not the amount won)
    const parts = mart.length > 1 ? mart.filter((b) => b.part.format === whole.format) : mart;
    if (parts.length !== 1) continue;
    const clause = words.slice(0, parts[0]!.k);
    const wholeStems = new Set(metricPhraseList(whole).flatMap(stemsOfPhrase));
    const own = clause.map((w) => w.toLowerCase().replace(/[^a-z']/g, "")).filter((w) => !JOINS.has(w));
    if (own.every((w) => wholeStems.has(stemOf(w)))) continue;
    const said = `${neg[0].replace(/^[\s,;—–-]+/, "")}${clause.join(" ")}`;
    return leaveOut(
      plan,
      parts[0]!.part,
      said,
      catalog,
      own.find((w) => !wholeStems.has(stemOf(w))),
    );
  }
  return undefined;
}

export function leftOutPart(typed: string, catalog: Catalog, read: Read): Plan | Refusal | undefined {
  const text = typed.replace(/[‘’]/g, "'").trim();
  // (only a question that says a negation or an exclusion: negation-words.ts)
  if (!saysNegation(text)) return undefined;
  const lower = text.toLowerCase();
  // the phrases of other metrics said as left out, the longest first ("reactivation", the word a name starts with, too)
  const said: { part: MetricDef; span: [number, number] }[] = [];
  for (const part of catalog.metrics) {
    const first = part.name.split("_")[0]!;
    for (const phrase of [...metricPhraseList(part), ...(first.length >= 6 ? [first] : [])]) {
      if (phrase.trim().length < 4) continue;
      const span = clauseOf(text, lower, phrase);
      if (span) said.push({ part, span });
    }
  }
  said.sort((a, b) => b.span[1] - b.span[0] - (a.span[1] - a.span[0]));
  for (const { part, span } of said) {
    const rest = `${text.slice(0, span[0])} ${text.slice(span[1])}`.replace(/\s+/g, " ").trim();
    const plan = read(rest);
    if (plan.status !== "plan") continue;
    const left = leaveOut(plan, part, text.slice(span[0], span[1]).replace(/^[\s,;:—–(-]+/, ""), catalog);
    if (left) return left;
  }
  if (said.length) return undefined;
  return leftOutClause(text, catalog, read);
}
