import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Filter } from "../../engine/catalog/metric-query.ts";
import { resolvePeriod } from "../../engine/catalog/period.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { overStartingLevel, perMismatch } from "./arithmetic.ts";
import { STOP } from "./lexicon.ts";
import { findPeriods } from "./periods.ts";
import type { FormulaNode, FormulaReading } from "./formula-types.ts";
import type { Plan, PlannedCall } from "./plan-types.ts";
import { filterText, understand, type Understood } from "./understand.ts";

/**
 * A formula said in the question, with three or more operands, parentheses or a power: "(new + expansion +
 * reactivation MRR) ÷ (churned + contraction MRR)" (ChartMogul's quick ratio), "LTV = ARPA / monthly churn rate"
 * (ChartMogul's and Baremetrics' LTV), "(start + expansion − contraction − churn) / start" (net revenue retention),
 * "(Sep MRR / Jun MRR)^(1/3) − 1" (a16z's CMGR). The arithmetic is parsed (+ − × ÷ ^, parentheses, constants,
 * percentages); every leaf is a metric reading the planner already makes (understand), with its own period when it
 * says one and the formula's period when it does not, and is its own query_metric call; the answer computes the
 * result from the calls and states every leaf. Units are checked (money ÷ money is a ratio, money ÷ a monthly rate a
 * lifetime amount, money + a count nothing); a leaf that reads no metric, or a mix of units that makes no number, is
 * asked back naming it — never a leaf guessed.
 */
export type { FormulaNode, FormulaReading };

export interface FormulaAskBack {
  reason: string;
  unplaced?: string[];
}

type Token =
  | { t: "(" }
  | { t: ")" }
  | { t: "op"; op: "+" | "-" | "*" | "/" | "^" }
  | { t: "num"; value: number; said: string }
  | { t: "words"; text: string; own?: boolean };

const OP_WORDS: [RegExp, "+" | "-" | "*" | "/" | "^"][] = [
  [/^(?:\+|plus\b)/, "+"],
  // (an en dash or hyphen between words is a range or a dash of prose, "Jul–Sep", "hi – quick one": a sign only
  // with spaces around it, or a parenthesis)
  [/^(?:−|[–-](?=\s|\()|minus\b|less\b(?!\s+than))/, "-"],
  [/^(?:×|\*|times\b(?!\s+(?:larger|bigger|greater|higher|more|as)\b)|multiplied\s+by\b)/, "*"],
  [/^(?:÷|\/|divided\s+by\b)/, "/"],
  [/^(?:\^|to\s+the\s+power\s+of\b)/, "^"],
];
const NUMBER = /^\$?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)\s*(%|percent\b|k\b)?(?![a-z\d])/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let words = "";
  const flush = () => {
    if (words.trim()) out.push({ t: "words", text: words.trim() });
    words = "";
  };
  while (i < text.length) {
    const rest = text.slice(i);
    const atWordStart = i === 0 || /[\s()−–×÷/*^+]/.test(text[i - 1]!);
    if (rest[0] === "(" || rest[0] === ")") {
      flush();
      out.push({ t: rest[0] });
      i++;
      continue;
    }
    const op =
      atWordStart || /^[−×÷/*^+]/.test(rest) || (/^[–-]/.test(rest) && text[i - 1] === ")")
        ? OP_WORDS.find(([re]) => re.test(rest))
        : undefined;
    if (op) {
      flush();
      out.push({ t: "op", op: op[1] });
      i += op[0].exec(rest)![0].length;
      continue;
    }
    const n = atWordStart ? NUMBER.exec(rest) : null;
    if (n && !words.trim()) {
      flush();
      const raw = Number(n[1]!.replaceAll(",", ""));
      const value = n[2] === "k" ? raw * 1000 : n[2] ? raw / 100 : raw;
      out.push({ t: "num", value, said: n[0].trim() });
      i += n[0].length;
      continue;
    }
    words += rest[0];
    i++;
  }
  flush();
  return out;
}

interface Leaf {
  said: string;
  /** the formula's trailing period was said with this operand (the last) */
  own?: boolean;
  read?: Understood;
  /** how the leaf was read when it borrowed a noun from its neighbours ("churn" → "churn mrr") */
  borrowed?: string;
}

type Node = { leaf: number } | { constant: number; said: string } | { op: string; left: Node; right: Node };

/** Parses + − × ÷ ^ with parentheses; a group followed by words ("(new − churned) customers") lends them to its leaves. */
function parse(tokens: Token[], leaves: Leaf[]): Node | undefined {
  let i = 0;
  const peek = () => tokens[i];
  const primary = (): Node | undefined => {
    const tok = tokens[i++];
    if (!tok) return undefined;
    if (tok.t === "num") return { constant: tok.value, said: tok.said };
    if (tok.t === "words") {
      leaves.push({ said: tok.text, ...(tok.own ? { own: true } : {}) });
      return { leaf: leaves.length - 1 };
    }
    if (tok.t === "(") {
      const from = leaves.length;
      const inner = sum();
      if (!inner || peek()?.t !== ")") return undefined;
      i++;
      const after = peek();
      // "(new + reactivated − churned) customers": the noun after the group is each of its leaves'
      if (after?.t === "words") {
        i++;
        for (const leaf of leaves.slice(from)) leaf.said = `${leaf.said} ${after.text}`;
      }
      return inner;
    }
    return undefined;
  };
  const power = (): Node | undefined => {
    const base = primary();
    if (!base) return undefined;
    const tok = peek();
    if (tok?.t === "op" && tok.op === "^") {
      i++;
      const exp = power();
      return exp ? { op: "^", left: base, right: exp } : undefined;
    }
    return base;
  };
  const product = (): Node | undefined => {
    let left = power();
    while (left) {
      const tok = peek();
      if (tok?.t !== "op" || (tok.op !== "*" && tok.op !== "/")) break;
      i++;
      const right = power();
      left = right ? { op: tok.op, left, right } : undefined;
    }
    return left;
  };
  const sum = (): Node | undefined => {
    let left = product();
    while (left) {
      const tok = peek();
      if (tok?.t !== "op" || (tok.op !== "+" && tok.op !== "-")) break;
      i++;
      const right = product();
      left = right ? { op: tok.op, left, right } : undefined;
    }
    return left;
  };
  const tree = sum();
  return tree && i === tokens.length ? tree : undefined;
}

const PLACE: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "^": 3 };
const SIGN: Record<string, string> = { "+": "+", "-": "−", "*": "×", "/": "÷", "^": "^" };

/**
 * A formula said back in words, with the parentheses its order needs and no more: "(new + expansion − churn) ÷ start"
 * (the answer states it with each leaf's value, so this is shared with tools/ask/compose.ts).
 */
export function spoken(n: FormulaNode, leaf: (i: number) => string): string {
  if ("leaf" in n) return leaf(n.leaf);
  if ("constant" in n) return n.said;
  if ("up" in n) return `(${spoken(n.up, leaf)}, rounded up)`;
  const side = (x: FormulaNode, right: boolean) => {
    const text = spoken(x, leaf);
    if (!("op" in x)) return text;
    const [p, q] = [PLACE[x.op]!, PLACE[n.op]!];
    const wrap = p < q || (p === q && (n.op === "^" ? !right : right && (n.op === "-" || n.op === "/")));
    return wrap ? `(${text})` : text;
  };
  return `${side(n.left, false)} ${SIGN[n.op]} ${side(n.right, true)}`;
}

/** "now", "today", "current": a leaf that says its own instant, which findPeriods leaves to understand */
const OWN_INSTANT = /\b(?:now|today|today's|current|currently|latest|as it stands)\b/;
/** the words before a period that tie it to the words before ("…, for last month", "in Q3") */
const PERIOD_LEAD = /(?:[,;]\s*|\b(?:in|for|during|over|on|as\s+of|the)\s+)*$/;

/** the words of a question asked around a formula, which the formula alone does not answer */
const QUESTION_WORDS = /\b(?:which|what|when|how|who|was|were|is|are|did|does|do|has|have)\b/;

/**
 * "LTV = …", "CMGR for Q3: …": the name the formula is given, then the formula. (A name restated "i.e." or "defined
 * as" a formula is checked against the catalog's own definition by frame.ts and aside.ts, not read here.)
 */
const NAMED =
  /^(?:(?:what(?:'s|\s+is|\s+was)|show(?:\s+me)?|give\s+me|compute|calculate|work\s+out)\s+)?([a-z][^=:()?.!]{0,60}?)\s*(?:=|:)\s+(.+)$/;

function countOps(tokens: Token[]): number {
  return tokens.filter((t) => t.t === "op").length;
}

function plainRead(u: ReturnType<typeof understand>, at: Date): Understood | undefined {
  if (!("interpretation" in u)) return undefined;
  if (u.compare || u.extra.length || u.groupBy.length || u.argmax) return undefined;
  // "monthly churn rate": a month's rate, read over one month only (over a quarter it is two numbers)
  if (u.grain) {
    if (u.grain !== "month") return undefined;
    if (!oneMonth(u, at)) return undefined;
  }
  return u;
}

/** read over one calendar month (the end is the first day after it) */
function oneMonth(u: Understood, at: Date): boolean {
  const r = resolvePeriod(u.period === "latest" ? "this_month" : u.period, at);
  const next = new Date(`${r.start}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return r.start.endsWith("-01") && next.toISOString().slice(0, 10) === r.end;
}

type Unit = "currency" | "number" | "percent" | "ratio" | "constant";

const isQuotient = (m: MetricDef) => m.time_rollup === "ratio" || /\//.test(m.expression);
const kindOf = (m: MetricDef) => (m.time_rollup === "sum" ? "flow" : m.time_rollup === "ratio" ? "ratio" : "stock");
const keyOf = (u: Understood, at: Date) => {
  const r = resolvePeriod(u.period === "latest" ? "this_month" : u.period, at);
  return `${u.metric.name} ${r.start}/${r.end} ${JSON.stringify(u.filters)}`;
};

function leavesOf(n: Node): number[] {
  if ("leaf" in n) return [n.leaf];
  if ("constant" in n) return [];
  return [...leavesOf(n.left), ...leavesOf(n.right)];
}

/** The operands of one chain of + and − ("start + expansion − contraction − churn"): one unit between them. */
function chains(n: Node, out: Node[][] = []): Node[][] {
  if ("leaf" in n || "constant" in n) return out;
  if (n.op === "+" || n.op === "-") {
    const flat: Node[] = [];
    const walk = (x: Node) => {
      if ("op" in x && (x.op === "+" || x.op === "-")) {
        walk(x.left);
        walk(x.right);
      } else flat.push(x);
    };
    walk(n);
    out.push(flat);
    for (const x of flat) chains(x, out);
    return out;
  }
  chains(n.left, out);
  chains(n.right, out);
  return out;
}

export interface FormulaRead {
  leaves: { said: string; read: Understood }[];
  formula: FormulaReading;
  why: string[];
}

/**
 * Reads a formula said in the question, or undefined when the words are no formula this reader takes (one operator
 * between two sides over one period is arithmetic.ts's; a metric times a constant is scaled.ts's).
 */
/** (the planner asks for the same words several times over one question: read once per catalog, instant and text) */
const cache = new WeakMap<Catalog, Map<string, FormulaRead | FormulaAskBack | undefined>>();

export function readFormula(typed: string, catalog: Catalog, at: Date): FormulaRead | FormulaAskBack | undefined {
  const byText = cache.get(catalog) ?? new Map<string, FormulaRead | FormulaAskBack | undefined>();
  cache.set(catalog, byText);
  const key = `${at.getTime()} ${typed}`;
  if (!byText.has(key)) {
    if (byText.size > 500) byText.clear();
    byText.set(key, readFormulaOnce(typed, catalog, at));
  }
  return byText.get(key);
}

function readFormulaOnce(typed: string, catalog: Catalog, at: Date): FormulaRead | FormulaAskBack | undefined {
  // (a trailing ellipsis or comma is no part of the last operand: "… / start, October…")
  let text = typed.replace(/[\s?!.…,;:]+$/, "").trim();
  let name: string | undefined;
  let lead = "";
  const named = NAMED.exec(text);
  if (
    named &&
    countOps(tokenize(named[2]!)) >= 1 &&
    !countOps(tokenize(named[1]!)) &&
    !QUESTION_WORDS.test(named[1]!) &&
    named[1]!.split(/\s+/).length <= 6
  ) {
    const p = findPeriods(named[1]!, at)[0];
    name = (p ? `${named[1]!.slice(0, p.start)}${named[1]!.slice(p.end)}` : named[1]!).replace(PERIOD_LEAD, "").trim();
    if (p) lead = named[1]!.slice(p.start, p.end);
    text = named[2]!.trim();
  }
  // "ltv", "cmgr": a short name said as letters is an acronym
  if (name && /^[a-z]{2,5}$/.test(name)) name = name.toUpperCase();
  // "quick ratio (new + expansion) / (churn + contraction) in September": words before the first group name it
  // (a question around the group, "which month was the app least sticky (dau/mau)", is no name: asked as typed)
  const opening = /^([a-z][a-z0-9' ]{0,60}?)\s+(?=\()/.exec(text);
  const glossed = !name && !!opening;
  if (!name && opening && countOps(tokenize(opening[1]!)) === 0) {
    if (QUESTION_WORDS.test(opening[1]!) || opening[1]!.split(/\s+/).length > 6) return undefined;
    const p = findPeriods(opening[1]!, at)[0];
    if (p) lead = opening[1]!.slice(p.start, p.end);
    name =
      (p ? `${opening[1]!.slice(0, p.start)}${opening[1]!.slice(p.end)}` : opening[1]!)
        .replace(/\s+/g, " ")
        .replace(/(?:\s+(?:in|for|during|over|on|of|the))+\s*$/, "")
        .trim() || undefined;
    text = text.slice(opening[0].length);
  }
  // the formula's own period said after its last operand ("… for october", ", October") is every leaf's that says none
  const tokens = tokenize(text);
  const ops = countOps(tokens);
  if (!ops) return undefined;
  // ("(expansion − contraction) MRR": two of a kind in parentheses are arithmetic.ts's)
  const grouped = (ops >= 2 && tokens.some((t) => t.t === "(")) || tokens.some((t) => t.t === "op" && t.op === "^");
  const last = tokens.at(-1);
  let shared = lead;
  if (last?.t === "words") {
    const p = findPeriods(last.text, at).at(-1);
    if (p && !last.text.slice(p.end).trim()) {
      const start = last.text.slice(0, p.start).replace(PERIOD_LEAD, "").length;
      shared = last.text.slice(start).replace(/^[,;\s]+/, "");
      const before = last.text.slice(0, start).trim();
      // the last operand reads it as every other one does ("start, October" is start + the formula's period); after a
      // number or a group the words before it are the group's noun, or nothing ("… × 12 for October")
      // (a last operand keeps the period as its own: "ARPA in August minus ARPA in May")
      if (before) Object.assign(last, { text: before, own: tokens.at(-2)?.t === "op" });
      else tokens.pop();
    }
  }
  const leaves: Leaf[] = [];
  const tree = parse(tokens, leaves);
  if (!tree || leaves.length < 1) return undefined;
  // ("may mrr": a month that is also a verb is found as a period only after a preposition)
  const owns = (s: string) =>
    findPeriods(s, at).length > 0 || findPeriods(`in ${s}`, at).length > 0 || OWN_INSTANT.test(s);
  if (!("op" in tree)) return undefined;
  // one operator over two leaves is arithmetic.ts's reading (or its ask-back) unless each says its own period
  const strong = ops >= 2 || grouped || !!name;
  const withPeriod = (s: string) => (owns(s) || !shared ? s : `${s} ${shared}`);
  const read = (s: string) => plainRead(understand(withPeriod(s).replace(/\s+/g, " ").trim(), catalog, at), at);
  if (!strong && (leaves.length !== 2 || !leaves.every((l) => l.own || owns(l.said)))) return undefined;
  for (const leaf of leaves) leaf.read = read(leaf.said);
  if (!strong) {
    const [a, b] = leaves.map((l) => l.read);
    const spans = a && b ? new Set([a, b].map((x) => keyOf(x, at).split(" ")[1])) : undefined;
    if (!spans || spans.size !== 2) return undefined;
  }
  // the unit most leaves read in; a leaf of another unit inside a chain of + and −, or one that reads nothing, may
  // take its neighbours' noun ("churn" among MRR movements is churned MRR, "lost" among deal counts deals lost)
  const formats = leaves.flatMap((l) => (l.read ? [l.read.metric.format] : []));
  const tally = new Map<string, number>();
  for (const f of formats) tally.set(f, (tally.get(f) ?? 0) + 1);
  const target = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const chained = new Set(chains(tree).flatMap((c) => c.flatMap(leavesOf)));
  const nouns = new Set<string>();
  for (const l of leaves) {
    for (const w of l.said.split(/\s+/))
      if (/^[a-z]+$/.test(w) && !STOP.has(w) && !findPeriods(w, at).length) nouns.add(w);
    if (l.read) for (const w of l.read.metric.name.split("_").reverse()) nouns.add(w);
  }
  leaves.forEach((leaf, i) => {
    // (only a bare word borrows: "new customers" among MRR amounts says customers, and is a clash, not MRR)
    const bare = leaf.said.split(/\s+/).filter((w) => !STOP.has(w)).length === 1;
    const odd = !leaf.read || (bare && chained.has(i) && target && leaf.read.metric.format !== target);
    if (!odd) return;
    const own = new Set(leaf.said.split(/\s+/));
    for (const noun of nouns) {
      if (own.has(noun)) continue;
      // (the noun must add to the word, not replace it: "lost won" reads deals won, the noun alone)
      const alone = read(noun);
      for (const tried of [`${leaf.said} ${noun}`, `${noun} ${leaf.said}`]) {
        const again = read(tried);
        if (alone && again && keyOf(alone, at) === keyOf(again, at)) continue;
        if (again && (!target || again.metric.format === target || !leaf.read)) {
          leaf.read = again;
          leaf.borrowed = tried;
          return;
        }
      }
    }
  });
  const unread = leaves.filter((l) => !l.read);
  // most of the words no metric, or a part that is a sentence or another operation ("… over MRR at the start. What
  // was it"): prose with signs in it, no formula of this reader's (other readers take the definition said)
  if (unread.length * 2 > leaves.length) return undefined;
  if (unread.some((l) => /[.;?!]|\b(?:over|per|of)\b/.test(l.said) || l.said.split(/\s+/).length > 4)) return undefined;
  if (unread.length)
    return {
      reason: `I can't read ${unread.map((l) => `"${l.said}"`).join(" and ")} in the formula as a metric of the catalog (say which metric, and over which period), so I won't compute it with a guess`,
      unplaced: unread.map((l) => l.said),
    };
  const reads = leaves.map((l) => l.read!);
  // a bare word that is not a metric's own name ("churn") is one metric only among neighbours of its unit ("new +
  // expansion − churn" are MRR movements); alone in the formula ("retention = 1 − churn") it is logo or revenue
  // churn, asked back (a synonym reads one metric in a question of its own, not as a formula's term)
  const namesOf = (m: MetricDef) =>
    new Set([m.name, m.name.replaceAll("_", " "), m.label ?? ""].map((x) => x.toLowerCase()));
  const lone = leaves.find(
    (l, i) =>
      !l.borrowed &&
      l.said.split(/\s+/).filter((w) => !STOP.has(w)).length === 1 &&
      !namesOf(reads[i]!.metric).has(l.said.split(/\s+/).filter((w) => !STOP.has(w))[0]!) &&
      !reads.some(
        (r, j) => j !== i && r.metric.name !== reads[i]!.metric.name && r.metric.format === reads[i]!.metric.format,
      ),
  );
  if (lone)
    return {
      reason: `"${lone.said}" alone names no one metric here (I would read ${lone.read!.metric.name}); say which metric`,
      unplaced: [lone.said],
    };
  // a leaf that says no period, when the formula says none either, takes the metric's default; against a leaf
  // read at another time that is a period guessed ("open pipeline × win rate": over which months?)
  const spanOf = (u: Understood) => keyOf(u, at).split(" ")[1];
  const defaulted = leaves.filter((l) => !owns(l.said) && !shared);
  if (defaulted.length && new Set(reads.map(spanOf)).size > 1)
    return {
      reason: `${defaulted.map((l) => `"${l.said}"`).join(" and ")} ${defaulted.length > 1 ? "say" : "says"} no period and the other parts are read at another time; name the period of each`,
      unplaced: defaulted.map((l) => l.said),
    };
  // units: each operator takes the units it makes sense on
  let clash: string | undefined;
  // (an ask-back states no figure: a constant is named as such)
  const nameOf = (n: Node): string =>
    spoken(n as FormulaNode, (i) => reads[i]!.metric.label ?? reads[i]!.metric.name).replace(
      /\d+(?:\.\d+)?%?/g,
      "a constant",
    );
  const unitOf = (n: Node): Unit | undefined => {
    if ("constant" in n) return "constant";
    if ("leaf" in n) return reads[n.leaf]!.metric.format as Unit;
    const a = unitOf(n.left);
    const b = unitOf(n.right);
    if (!a || !b) return undefined;
    const no = (why: string) => {
      clash ??= why;
      return undefined;
    };
    if (n.op === "+" || n.op === "-") {
      if (a === b) return a;
      if ((a === "ratio" || a === "percent") && b === "constant") return a;
      if (a === "constant" && (b === "ratio" || b === "percent")) return b;
      return no(
        `${nameOf(n.left)} and ${nameOf(n.right)} are not of one unit, so one can't be ${n.op === "+" ? "added to" : "taken from"} the other`,
      );
    }
    if (n.op === "*") {
      if (a === "constant") return b;
      if (b === "constant") return a;
      const pair = [a, b].sort().join(" ");
      if (pair === "currency percent") return "currency";
      if (pair === "number percent") return "number";
      if (pair === "ratio currency" || pair === "currency ratio") return "currency";
      // "20 × ARPA" is constant × amount; "customers × ARPA" an amount per customer times customers
      const q = [n.left, n.right].find((x) => "leaf" in x && isQuotient(reads[x.leaf]!.metric));
      if (pair === "currency number" && q) return "currency";
      return no(`${nameOf(n.left)} × ${nameOf(n.right)} is no number I can state`);
    }
    if (n.op === "/") {
      if (b === "constant") return a;
      // "churned ÷ customers": a count of the period over a level, the level said at neither end of it (the start
      // and the end give two rates)
      if (a === b && "leaf" in n.right) {
        const level = reads[n.right.leaf]!;
        const flows = leavesOf(n.left).map((i) => reads[i]!);
        const said = leaves[n.right.leaf]!.said;
        if (
          kindOf(level.metric) === "stock" &&
          flows.length &&
          flows.every((f) => kindOf(f.metric) === "flow") &&
          !/\b(?:start|starting|beginning|opening|end|ending|closing)\b/.test(said) &&
          spanOf(level) === spanOf(flows[0]!)
        )
          return no(
            `${nameOf(n.left)} ÷ ${nameOf(n.right)} sets a count over the period against a level: the level at the start of the period or at its end? Say which`,
          );
      }
      if (a === b) return "ratio";
      if (a === "currency" && b === "number") {
        // "open pipeline ÷ deals won": a level over a count of the period says no one's amount (arithmetic.ts)
        const odd =
          "leaf" in n.left && "leaf" in n.right
            ? perMismatch(reads[n.left.leaf]!.metric, reads[n.right.leaf]!.metric)
            : undefined;
        return odd && !isQuotient(reads[(n.left as { leaf: number }).leaf]!.metric) ? no(odd) : "currency";
      }
      // "ARPA ÷ monthly churn rate": an amount over a monthly rate is the amount over a customer's expected lifetime
      if ((a === "currency" || a === "number") && b === "percent") {
        const r = "leaf" in n.right ? reads[n.right.leaf]! : undefined;
        if (!r || !oneMonth(r, at))
          return no(
            `${nameOf(n.left)} ÷ ${nameOf(n.right)} divides by a monthly rate, and ${nameOf(n.right)} here is read over more than one month (the period's one rate and the mean of its monthly rates give very different lifetimes); name the month`,
          );
        return a;
      }
      return no(`${nameOf(n.left)} ÷ ${nameOf(n.right)} is no number I can state`);
    }
    // "^": a ratio raised to a constant (CMGR)
    if ((a === "ratio" || a === "constant") && b === "constant") return a;
    return no(`${nameOf(n.left)} ^ ${nameOf(n.right)} is no number I can state`);
  };
  // a level and a flow of another thing ("MRR − refunds") are no one amount; a level and its own movements, named
  // by the same noun ("starting MRR + expansion MRR − churned MRR", "customers + new customers"), are
  for (const chain of chains(tree)) {
    const ls = chain.flatMap((x) => ("leaf" in x ? [reads[x.leaf]!] : []));
    const bases = new Set(ls.map((l) => l.metric.name.split("_").at(-1)));
    const kinds = new Set(ls.map((l) => kindOf(l.metric)));
    if (kinds.has("stock") && kinds.has("flow") && bases.size > 1)
      return {
        reason: `${ls.map((l) => l.metric.name).join(" and ")} set a level at an instant against amounts over a period kept apart; ask for each of them`,
      };
  }
  const unit = unitOf(tree);
  // ("card failure rate (declined / succeeded)": one quotient of one unit glossing a name is a rate defined in the
  // words, definedRatio's in plan.ts; "lifetime value (ARPA ÷ monthly churn rate)" is an amount, read here)
  if (glossed && ops === 1 && unit === "ratio") return undefined;
  if (!unit || clash) return { reason: `${clash ?? "the formula's units make no number"}; ask for each of its parts` };
  // filters said on one leaf must be ones its metric can apply (understand already checks), nothing more to do
  // a ratio of one unit is a percentage when it is a share or a growth: a leaf on both sides of the division
  // ("failed / (failed + successful)", "(Oct − Sep) / Sep"), a flow over the level its period began at, or 1 ± it
  const percentOf = (n: Node): boolean => {
    if (!("op" in n)) return false;
    if (n.op === "/") {
      const top = new Set(leavesOf(n.left).map((i) => keyOf(reads[i]!, at)));
      if (leavesOf(n.right).some((i) => top.has(keyOf(reads[i]!, at)))) return true;
      // "(churned + contraction MRR) ÷ starting MRR": flows of the period over the level it began at
      const whole = n.right;
      if ("leaf" in whole) {
        const said = leaves[whole.leaf]!.said;
        const sums = !/"op":"[*/^]"/.test(JSON.stringify(n.left));
        if (sums && leavesOf(n.left).every((i) => overStartingLevel(reads[i]!, reads[whole.leaf]!, said, at)))
          return true;
      }
      return false;
    }
    if ((n.op === "+" || n.op === "-") && ("constant" in n.right || "constant" in n.left)) return true;
    return percentOf(n.left) || percentOf(n.right);
  };
  const percent = unit === "ratio" && percentOf(tree);
  const said = spoken(
    tree as FormulaNode,
    (i) =>
      `${reads[i]!.metric.label ?? reads[i]!.metric.name}${reads[i]!.filters.map((f) => ` (${filterText(f)})`).join("")}`,
  );
  const why = leaves.map(
    (l, i) =>
      `"${l.said}"${l.borrowed ? ` (read as "${l.borrowed}", the noun its neighbours share)` : ""}: ${reads[i]!.metric.name}, ${reads[i]!.interpretation.period.text}${reads[i]!.filters.map((f) => `, ${filterText(f)}`).join("")}`,
  );
  return {
    leaves: leaves.map((l, i) => ({ said: l.said, read: reads[i]! })),
    formula: {
      tree: tree as FormulaNode,
      said,
      ...(name ? { name } : {}),
      unit: unit === "constant" ? "ratio" : unit,
      percent,
    },
    why,
  };
}

/** The plan of a formula: one query_metric call per leaf, the tree in the reading for the answer to compute. */
export function formulaPlan(f: FormulaRead): Plan {
  const first = f.leaves[0]!.read.interpretation;
  const calls: PlannedCall[] = f.leaves.map((l) => ({
    role: "leaf",
    name: "query_metric",
    input: { metric: l.read.metric.name, period: l.read.period, filters: l.read.filters as Filter[] },
  }));
  const periods = [...new Set(f.leaves.map((l) => l.read.interpretation.period.text))];
  return {
    status: "plan",
    intent: "arithmetic",
    calls,
    interpretation: {
      ...first,
      filters: [],
      read_as: `${f.formula.name ? `${f.formula.name} = ` : ""}${f.formula.said}, ${periods.join(" and ")}`,
      formula: f.formula,
      why: [...f.why, `a formula said in the question: each metric its own call, the result computed from them`],
    },
  };
}
