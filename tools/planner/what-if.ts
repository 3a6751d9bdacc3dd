import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import type { FormulaAskBack, FormulaRead } from "./formula.ts";
import { execSaid } from "./may-match.ts";
import { filterText, understand, type Understood } from "./understand.ts";

/**
 * A what-if that is arithmetic on facts, as founders ask it: "MRR if we add 20 more customers at current ARPA"
 * (MRR + 20 × ARPA), "how many customers do we need to reach $100k MRR at today's ARPA" (100k ÷ ARPA, rounded up to
 * whole customers; "how many MORE" less the paying customers now), "ARR if MRR were 10% higher" (ARR × 1.1, since
 * the catalog defines ARR as 12 × MRR). The amount per customer is a catalog metric the catalog defines as an amount
 * over a count of customers (its description, "MRR ÷ active customers"); a group said with the customers ("20
 * Enterprise customers") is two readings (company ARPA or the group's) and is asked back; a leaf no metric reads is
 * asked back naming it. A forecast (a growth rate carried forward) is not this, and stays refused.
 */

const NOW = "now";
const QUANTITY = String.raw`(\d+(?:\.\d+)?)`;
/** "MRR if we add 20 more customers at current ARPA", "what would MRR be if we signed 20 new customers at today's ARPA" */
const ADD =
  /^(?:what\s+would\s+(?:our\s+|the\s+)?(.+?)\s+be|(?:what(?:'s|\s+is)\s+)?(?:our\s+|the\s+)?(.+?))\s+if\s+we\s+(?:add|added|sign|signed|win|won|land|landed|get|got|bring\s+in|brought\s+in|close|closed)\s+(\d+)\s+(.*?)\s*(customers|accounts|clients|logos)\s+(?:at|with|paying)\s+(.+)$/;
/** "how many customers do we need to reach $100k MRR at today's ARPA", "how many more customers to get to 100k MRR" */
const NEEDED =
  /^how\s+many\s+(more\s+|new\s+|additional\s+|extra\s+)?(paying\s+)?(?:customers|accounts|clients|logos)\s+(?:(?:do|would|will)\s+we\s+need\s+|(?:are|is)\s+needed\s+|we\s+need\s+|needed\s+|are\s+required\s+)?(?:to\s+|for\s+|before\s+we\s+)?(?:reach|get\s+to|hit|make|cross|be\s+at|get)?\s*\$?(\d+(?:\.\d+)?)\s*(k|m)?\s+(?:in\s+|of\s+)?(.+?)\s*,?\s+(?:at|assuming|if|with)\s+(.+)$/;
/** "ARR if MRR were 10% higher than today", "MRR if ARPA was 5% lower" */
const SHIFTED =
  /^(?:what\s+would\s+(?:our\s+|the\s+)?(.+?)\s+be|(?:what(?:'s|\s+is)\s+)?(?:our\s+|the\s+)?(.+?))\s+if\s+(?:our\s+|the\s+)?(.+?)\s+(?:were|was|is|went|grew|got)\s+(?:up\s+|down\s+)?(\d+(?:\.\d+)?)\s*(?:%|percent)\s+(higher|lower|more|less|bigger|smaller|up|down)(?:\s+than\s+(.+))?$/;

/** "at current ARPA", "assuming ARPA stays where it is": the words that keep today's value of a metric */
const STAYS = /\s+(?:stays?|remains?|holds?)(?:\s+(?:where\s+it\s+is|the\s+same|flat|as\s+it\s+is|constant))?$/;
const TODAY = /\b(?:current|currently|today'?s?|now|as\s+it\s+is|we\s+have\s+today|where\s+it\s+is)\b/;

function plainNow(said: string, catalog: Catalog, at: Date): Understood | undefined {
  const u = understand(said.replace(/\s+/g, " ").trim(), catalog, at);
  if (!("interpretation" in u) || u.compare || u.extra.length || u.groupBy.length || u.grain || u.argmax)
    return undefined;
  return u;
}

/** The metric that is an amount per customer, and the count it divides by, from its description ("MRR ÷ active customers"). */
function perCustomer(m: MetricDef, catalog: Catalog): { amount: MetricDef; count: MetricDef } | undefined {
  if (m.format !== "currency") return undefined;
  const d = /([a-z][a-z_ ]*?)\s*(?:÷|\/|divided by)\s*([a-z][a-z_ ]*?)(?=\s+(?:at|over|in|for)\b|[,.;()]|$)/i.exec(
    m.description,
  );
  if (!d) return undefined;
  const named = (said: string) =>
    catalog.metrics.find((x) =>
      [x.name, x.name.replaceAll("_", " "), x.label ?? ""].some((n) => n && n.toLowerCase() === said.toLowerCase()),
    );
  // "Average revenue per account, MRR ÷ active customers": the metric names closest to the sign
  const closest = (words: string[], fromEnd: boolean) => {
    for (let k = 1; k <= Math.min(3, words.length); k++) {
      const found = named((fromEnd ? words.slice(-k) : words.slice(0, k)).join(" "));
      if (found) return found;
    }
    return undefined;
  };
  const amount = closest(d[1]!.trim().split(/\s+/), true);
  const count = closest(d[2]!.trim().split(/\s+/), false);
  return amount && count && count.format === "number" ? { amount, count } : undefined;
}

const ask = (reason: string, unplaced?: string[]): FormulaAskBack => ({ reason, ...(unplaced ? { unplaced } : {}) });

function leafOf(said: string, read: Understood) {
  return { said, read };
}

function why(leaves: { said: string; read: Understood }[]): string[] {
  return leaves.map(
    (l) =>
      `"${l.said}": ${l.read.metric.name}, ${l.read.interpretation.period.text}${l.read.filters.map((f) => `, ${filterText(f)}`).join("")}`,
  );
}

export function readWhatIf(typed: string, catalog: Catalog, at: Date): FormulaRead | FormulaAskBack | undefined {
  const text = typed.replace(/[\s?!.…,;:]+$/, "").trim();
  // (every what-if says "if" or "how many … at/assuming": most questions are none, and skip the patterns)
  if (!/\bif\b|\bhow\s+many\b/.test(text)) return undefined;
  const add = execSaid(ADD, text);
  if (add) {
    const [, would, said, n, group, noun, per] = add;
    const rate = per!.replace(STAYS, "").trim();
    if (!TODAY.test(rate) && !STAYS.test(per!)) return undefined;
    const unit = plainNow(rate.replace(TODAY, NOW), catalog, at);
    const base = plainNow(`${(would ?? said)!} ${NOW}`, catalog, at);
    if (!unit) return ask(`I can't read "${rate}" as an amount per customer of the catalog; say which metric`, [rate]);
    if (!base) return ask(`I can't read "${would ?? said}" as a metric of the catalog; say which`, [(would ?? said)!]);
    const kind = perCustomer(unit.metric, catalog);
    if (!kind || base.metric.name !== kind.amount.name)
      return ask(
        `${unit.metric.name} is not ${base.metric.name} per customer in the catalog, so ${n} ${noun} at ${unit.metric.name} adds no ${base.metric.name} I can state; ask for each of them`,
      );
    const extra = group!.replace(/\b(?:more|new|additional|extra|paying)\b/g, "").trim();
    if (extra)
      return ask(
        `"${`${n} ${group} ${noun}`.replace(/\s+/g, " ")}" at ${unit.metric.label ?? unit.metric.name}: at the company's ${unit.metric.name}, or at the ${unit.metric.name} of ${extra} alone? Say which`,
        [extra],
      );
    if (unit.filters.length || base.filters.length) return undefined;
    const leaves = [leafOf((would ?? said)!, base), leafOf(rate, unit)];
    return {
      leaves,
      formula: {
        tree: {
          op: "+",
          left: { leaf: 0 },
          right: { op: "*", left: { constant: Number(n), said: n! }, right: { leaf: 1 } },
        },
        said: `${base.metric.label ?? base.metric.name} + ${n} × ${unit.metric.label ?? unit.metric.name}`,
        unit: "currency",
        percent: false,
      },
      why: [
        ...why(leaves),
        `a what-if on facts: ${n} more ${noun} at today's ${unit.metric.name} (${unit.metric.description.split(/[.;(]/)[0]}) add ${n} × ${unit.metric.name} to ${base.metric.name}`,
      ],
    };
  }
  const needed = execSaid(NEEDED, text);
  if (needed) {
    const [, more, , amount, scale, target, per] = needed;
    const rate = per!.replace(STAYS, "").trim();
    if (!TODAY.test(per!) && !STAYS.test(per!)) return undefined;
    const unit = plainNow(rate.replace(TODAY, NOW), catalog, at);
    const goal = plainNow(`${target} ${NOW}`, catalog, at);
    if (!unit) return ask(`I can't read "${rate}" as an amount per customer of the catalog; say which metric`, [rate]);
    if (!goal) return ask(`I can't read "${target}" as a metric of the catalog; say which`, [target!]);
    const kind = perCustomer(unit.metric, catalog);
    if (!kind || goal.metric.name !== kind.amount.name)
      return ask(
        `${unit.metric.name} is not ${goal.metric.name} per customer in the catalog, so it says nothing of the customers ${goal.metric.name} needs; ask for each of them`,
      );
    if (unit.filters.length || goal.filters.length) return undefined;
    const value = Number(amount) * (scale === "k" ? 1e3 : scale === "m" ? 1e6 : 1);
    const said = `${amount}${scale ?? ""}`;
    const count = more ? plainNow(`${kind.count.name.replaceAll("_", " ")} ${NOW}`, catalog, at) : undefined;
    if (more && count?.metric.name !== kind.count.name) return undefined;
    const leaves = [leafOf(rate, unit), ...(count ? [leafOf(kind.count.name.replaceAll("_", " "), count)] : [])];
    const need = { up: { op: "/" as const, left: { constant: value, said }, right: { leaf: 0 } } };
    return {
      leaves,
      formula: {
        tree: count ? { op: "-", left: need, right: { leaf: 1 } } : need,
        said: `${said} ÷ ${unit.metric.label ?? unit.metric.name}, rounded up${count ? ` − ${count.metric.label ?? count.metric.name}` : ""}`,
        unit: "number",
        percent: false,
      },
      why: [
        ...why(leaves),
        `customers needed: ${said} of ${goal.metric.name} over today's ${unit.metric.name} (${unit.metric.description.split(/[.;(]/)[0]}), rounded up to whole customers${count ? `, less the ${kind.count.name} now ("${more!.trim()}")` : ""}`,
      ],
    };
  }
  const shifted = execSaid(SHIFTED, text);
  if (shifted) {
    const [, would, said, moved, pct, way, than] = shifted;
    if (than && !TODAY.test(than)) return undefined;
    const result = plainNow(`${(would ?? said)!} ${NOW}`, catalog, at);
    const cause = plainNow(`${moved} ${NOW}`, catalog, at);
    if (!result || !cause) return undefined;
    if (result.filters.length || cause.filters.length) return undefined;
    // the result moves by the same share only when the catalog defines it as a multiple of the cause (ARR = 12 × MRR)
    const label = (cause.metric.label ?? cause.metric.name).toLowerCase();
    const multiple =
      result.metric.name === cause.metric.name ||
      new RegExp(`(?:\\d+\\s*[×x*]\\s*${label}|${label}\\s*[×x*]\\s*\\d+)`).test(
        result.metric.description.toLowerCase(),
      );
    if (!multiple)
      return ask(
        `the catalog does not define ${result.metric.name} as a multiple of ${cause.metric.name}, so how it moves with ${cause.metric.name} is no arithmetic I can do; ask for each of them`,
      );
    const up = /higher|more|bigger|up/.test(way!);
    const factor = up ? 1 + Number(pct) / 100 : 1 - Number(pct) / 100;
    const leaves = [leafOf((would ?? said)!, result)];
    return {
      leaves,
      formula: {
        tree: { op: "*", left: { leaf: 0 }, right: { constant: factor, said: String(Number(factor.toFixed(6))) } },
        said: `${result.metric.label ?? result.metric.name} × ${Number(factor.toFixed(6))}`,
        unit: result.metric.format === "currency" ? "currency" : "number",
        percent: false,
      },
      why: [
        ...why(leaves),
        `${cause.metric.name} ${pct}% ${up ? "higher" : "lower"} makes ${result.metric.name} ${pct}% ${up ? "higher" : "lower"}${result.metric.name === cause.metric.name ? "" : ` (${result.metric.description})`}`,
      ],
    };
  }
  return undefined;
}
