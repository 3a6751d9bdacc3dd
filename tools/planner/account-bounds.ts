/**
 * Paying accounts counted by a bound on a number of theirs (#15, batch 46): "how many paying accounts have fewer than 5
 * seats", "enterprise accounts with more than 10 seats", "paying customers with at least 3 failed payments in the last
 * 90 days", "accounts that haven't had a single failed payment in the past 90 days", "paying customers with no open
 * support tickets", "paying accounts that haven't logged in for 3 days or more". The mart is the one whose rows are the
 * paying accounts (an id and a status whose accepted or listed values are the paying ones); the column is said by its name
 * (a window "_90d" said as "in the last 90 days") or a synonym; a value of a text column ("enterprise") comes from the
 * column's accepted values or the values its description lists. Every other word must be placed, else undefined (the
 * question is left to the other readings, which ask back).
 */
import type { Catalog } from "../../engine/catalog/catalog.ts";
import { boundOp } from "./bound-op.ts";
import { figureValue } from "./figure.ts";
import { NUMBER_WORDS } from "./periods.ts";

export type AccountBound = {
  mart: string;
  measure: string;
  label: string;
  filters: { column: string; op: string; value: string | number }[];
};

type Column = { name: string; description?: string; synonyms?: string[]; tests?: unknown[]; pii?: boolean };

const PAYING = new Set(["active", "past_due"]);
/** the accepted values a column's tests hold */
function acceptedValues(c: Column): string[] | undefined {
  for (const t of c.tests ?? []) {
    const v = (t as { accepted_values?: { values?: unknown[] } })?.accepted_values?.values;
    if (Array.isArray(v)) return v.map(String);
  }
  return undefined;
}
/** the values a description lists: "starter, growth, pro or enterprise", "month or year: …" */
function listedValues(c: Column): string[] | undefined {
  const m = /^\s*"?([a-z_]+(?:\s*,\s*[a-z_]+)*\s+or\s+[a-z_]+)\b/.exec(c.description ?? "");
  return m ? m[1]!.split(/\s*,\s*|\s+or\s+/) : undefined;
}

/** the mart of one row per paying account, or undefined */
function accountsMart(catalog: Catalog) {
  return catalog.marts().find((m) => {
    const cols = m.columns as Column[];
    const id = cols.find((c) => /_id$/.test(c.name));
    const status = cols.find((c) => c.name === "status");
    const values = status && (acceptedValues(status) ?? listedValues(status));
    return id && values?.length && values.every((v) => PAYING.has(v));
  });
}

const WORD_NUMBER = Object.keys(NUMBER_WORDS).join("|");
const N = String.raw`(\$?\s?\d[\d,]*(?:\.\d+)?|${WORD_NUMBER})`;
const BOUND = String.raw`(more\s+than|over|above|at\s+least|no\s+fewer\s+than|no\s+less\s+than|fewer\s+than|less\s+than|under|below|at\s+most|no\s+more\s+than)`;
const WINDOW = (days: string) =>
  String.raw`\s+(?:in|over|during|within|for)\s+the\s+(?:last|past|previous|prior)\s+${days}\s+days\b`;
const HAVE = String.raw`(?:(?:who|that|which)\s+)?(?:(?:have|has|had|having|with|carry|carrying)\s+)?`;
const QUIET = String.raw`(?:haven't|hasn't|have\s+not|has\s+not|not)\s+(?:been\s+(?:seen|active|around)|(?:logged|signed)\s+in|used\s+(?:the\s+(?:product|app)|it)|shown\s+up)(?:\s+(?:in|on|to)\s+the\s+(?:product|app))?\s+(?:for|in)\s+`;

const plural = (w: string) => (w.length > 3 && w.endsWith("s") ? `${w.slice(0, -1)}s?` : `${w}s?`);
/** a column's name or synonym as typed, one other word allowed between its words ("open support tickets") */
function phraseSource(p: string): string {
  return p
    .toLowerCase()
    .split(/[\s_]+/)
    .filter(Boolean)
    .map(plural)
    .join(String.raw`\s+(?:[a-z]+\s+)?`);
}

function numberOf(s: string): number | undefined {
  const v = s in NUMBER_WORDS ? NUMBER_WORDS[s] : figureValue(s);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

const COUNT = /^\s*(?:how\s+many|number\s+of|count\s+of)\b|[\s,;:—–-]*(?:how\s+many|count|total)\s*$/g;
const ROWS = /\b(?:paying\s+)?(?:customers?|accounts?|accts?|clients?|logos?)\b/;
const FREE =
  /^(?:do|does|we|have|has|had|are|is|were|there|the|a|an|any|our|with|who|that|which|us|still|now|right|currently|today|at|moment|in|on|and|of|them|paying|single)$/;

export function accountBound(question: string, catalog: Catalog): AccountBound | undefined {
  // (no rows named, or no figure, "no" or negation said: nothing to read, no regex run)
  const said = question.toLowerCase();
  if (
    !ROWS.test(said) ||
    !/\d|\b(?:no|zero|single|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\b|n'?t\b/.test(said)
  )
    return undefined;
  const mart = accountsMart(catalog);
  if (!mart) return undefined;
  const cols = mart.columns as Column[];
  let text = ` ${question
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/[?!.]+\s*$/, "")} `;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(text);
    if (m) text = text.slice(0, m.index) + " ".repeat(m[0].length) + text.slice(m.index + m[0].length);
    return m;
  };
  const filters: AccountBound["filters"] = [];
  // the days since an account was last seen: "for 3 days or more", "for at least a week", "3+ days"
  const since = cols.find((c) => /^days_since_last/.test(c.name));
  if (since) {
    const q = take(
      new RegExp(
        String.raw`\b${QUIET}(?:${N}\s*(?:\+\s*)?(days?|weeks?)(\s+or\s+(?:more|longer))?|(at\s+least|more\s+than|over|longer\s+than)\s+${N}\s+(days?|weeks?))\b`,
      ),
    );
    if (q) {
      const figure = q[1] ?? q[5]!;
      const unit = q[2] ?? q[6]!;
      const n = numberOf(figure);
      if (n === undefined) return undefined;
      const op = q[4]
        ? boundOp(q[4].replace(/\s+/g, " ").replace("longer than", "more than"))
        : q[3] || /\+/.test(q[0])
          ? ">="
          : undefined;
      if (!op) return undefined;
      filters.push({ column: since.name, op, value: /^week/.test(unit) ? n * 7 : n });
    }
  }
  for (const c of cols) {
    if (c.pii || /_id$/.test(c.name) || c.name === since?.name) continue;
    const window = /_(\d+)d$/.exec(c.name);
    const base = c.name.replace(/_\d+d$/, "");
    const phrases = [base, ...(c.synonyms ?? [])].map(phraseSource);
    const P = String.raw`(?:${phrases.join("|")})${window ? WINDOW(window[1]!) : ""}`;
    const forms: [RegExp, (m: RegExpExecArray) => [string, number] | undefined][] = [
      [
        new RegExp(String.raw`\b${HAVE}${BOUND}\s+${N}\s+${P}\b`),
        (m) => {
          const n = numberOf(m[2]!.replace(/\s+/g, ""));
          return n === undefined ? undefined : [boundOp(m[1]!.replace(/\s+/g, " ")), n];
        },
      ],
      [
        new RegExp(String.raw`\b${HAVE}${N}\s*(\+|or\s+more|or\s+fewer|or\s+less)\s+${P}\b`),
        (m) => {
          const n = numberOf(m[1]!.replace(/\s+/g, ""));
          return n === undefined ? undefined : [/more|\+/.test(m[2]!) ? ">=" : "<=", n];
        },
      ],
      [
        new RegExp(
          String.raw`\b(?:${HAVE}(?:no|zero)|without\s+(?:a\s+single|any)?|(?:(?:who|that|which)\s+)?(?:haven't|hasn't|have\s+not|has\s+not|never)\s+(?:had|got|seen)\s+(?:a\s+single|any|one|a))\s+${P}\b`,
        ),
        () => ["=", 0],
      ],
    ];
    for (const [re, op] of forms) {
      if (filters.some((f) => f.column === c.name)) break;
      const m = re.exec(text);
      if (!m) continue;
      const read = op(m);
      if (!read) return undefined;
      // a money mark on a count ("more than $5 seats") is no bound read
      if (/\$/.test(m[0]) && !/mrr|amount|revenue/.test(c.name)) return undefined;
      take(re);
      filters.push({ column: c.name, op: read[0], value: read[1] });
    }
  }
  if (!filters.length) return undefined;
  // a value of a text column said as a word ("enterprise accounts"): from its accepted or listed values
  for (const c of cols) {
    if (c.name === "status" || c.pii) continue;
    const values = acceptedValues(c) ?? listedValues(c);
    if (!values) continue;
    for (const v of values) {
      if (!/^[a-z]+$/.test(v)) continue;
      if (
        take(
          new RegExp(
            String.raw`\b(?:on\s+(?:the\s+)?)?${v}(?:\s+(?:plan|tier))?\b(?=\s+(?:customers?|accounts?|accts?|clients?|logos?)\b|\s*$)`,
          ),
        )
      )
        filters.push({ column: c.name, op: "=", value: v });
    }
  }
  if (!take(ROWS)) return undefined;
  text = text.replace(COUNT, " ");
  const left = text
    .split(/[\s,;:—–-]+/)
    .filter(Boolean)
    .filter((w) => !FREE.test(w));
  if (left.length) return undefined;
  const measure = cols.find((c) => c.name === "mrr")?.name ?? filters[0]!.column;
  const label = cols.find((c) => /_id$/.test(c.name))!.name;
  return { mart: mart.name, measure, label, filters };
}
