/**
 * A cheap test that a planner pattern cannot match a text, before the pattern runs. A question plans through
 * ≈ 700 distinct patterns (≈ 115,000 characters of them), and JavaScriptCore compiles each at its first run: that
 * compile, not the matching, is most of a one-shot `dp ask`'s planner time. A pattern whose words are not in the
 * text never needs compiling.
 *
 * `literalsOf` reads the words every match must contain from the pattern's source, conservatively, so `mayMatch` is
 * false only when the pattern cannot match; otherwise the pattern runs as before.
 *
 * Reading the sources at run time costs about what the skipped compiles save (bench/ANALYSIS.md, "The ask row,
 * fifth pass"), so the literals are read at build time: scripts/gen-may-match.ts plans the dev questions, reads every
 * pattern met and writes may-match.generated.ts, keyed by each pattern's flags and source. A pattern not in the table
 * (new, or changed since) is never skipped: a stale table costs speed, never an answer.
 */

import { STORED_LITERALS } from "./may-match.generated.ts";

/** literals of which a match contains at least one */
type AnyOf = readonly string[];

const required = new WeakMap<RegExp, readonly AnyOf[]>();
const NONE: readonly AnyOf[] = [];

/** the shortest literal worth a check: shorter ones are in most questions */
const MIN = 3;

/**
 * What every match of `re` contains: for each entry, one of its literals (lower-cased for an `i` pattern); nothing
 * when unsure. Read from the source by `Reader`: literal runs of letters, digits and spaces not under a quantifier,
 * through unquantified groups, an alternation as the union of what each of its branches needs.
 */
export function literalsOf(re: RegExp): readonly AnyOf[] {
  let found = required.get(re);
  if (!found) {
    found = read(re.source, re.flags);
    required.set(re, found);
  }
  return found;
}

function read(src: string, flags: string): readonly AnyOf[] {
  // (unicode and set modes fold case and read escapes differently; sticky matches depend on lastIndex)
  if (flags.includes("u") || flags.includes("v") || flags.includes("y")) return NONE;
  const reader = new Reader(src);
  const all = reader.alternation();
  if (reader.failed || reader.at !== src.length) return NONE;
  const kept = all.slice().sort(better).slice(0, 3);
  return flags.includes("i") ? kept.map((any) => any.map((l) => l.toLowerCase())) : kept;
}

/** the fewer literals, then the longer the shortest, the more a set rules out */
function better(a: AnyOf, b: AnyOf): number {
  return a.length - b.length || shortest(b) - shortest(a);
}
const shortest = (any: AnyOf) => Math.min(...any.map((l) => l.length));

class Reader {
  at = 0;
  failed = false;
  constructor(private readonly src: string) {}

  /** branches up to the ")" that closes them (not consumed) or the end */
  alternation(): AnyOf[] {
    const branches: AnyOf[][] = [this.sequence()];
    while (!this.failed && this.src[this.at] === "|") {
      this.at++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    const union: string[] = [];
    for (const b of branches) {
      if (!b.length) return [];
      union.push(...b.slice().sort(better)[0]!);
    }
    return [union];
  }

  sequence(): AnyOf[] {
    const src = this.src;
    const needs: AnyOf[] = [];
    // the literal run is src[from, to): its characters are contiguous in the source
    let from = -1;
    let i = this.at;
    const end = (to: number) => {
      if (from >= 0 && to - from >= MIN) needs.push([src.slice(from, to)]);
      from = -1;
    };
    while (i < src.length) {
      const code = src.charCodeAt(i);
      if (code === 124 /* | */ || code === 41 /* ) */) break;
      if (isWordChar(code)) {
        if (from < 0) from = i;
        i++;
        continue;
      }
      const q = this.quantifierAt(i);
      if (q > 0) {
        // the atom before a quantifier may be absent or repeated: the run ends a character before it
        end(i - 1);
        i = q;
        continue;
      }
      end(i);
      this.at = i;
      if (code === 92 /* backslash */) this.escape();
      else if (code === 91 /* [ */) this.skipClass();
      else if (code === 40 /* ( */) {
        const group = this.group();
        if (!this.failed && !this.quantifier()) needs.push(...group);
      } else this.at = i + 1;
      if (this.failed) return needs;
      i = this.at;
    }
    end(i);
    this.at = i;
    return needs;
  }

  /** a group at "(", consumed with its ")": what it needs (nothing for a lookaround or a modifier group) */
  group(): AnyOf[] {
    const src = this.src;
    this.at++;
    let counts = true;
    if (src[this.at] === "?") {
      const next = src[this.at + 1];
      if (next === ":") this.at += 2;
      else if (next === "<" && src[this.at + 2] !== "=" && src[this.at + 2] !== "!") {
        const close = src.indexOf(">", this.at);
        if (close < 0) {
          this.failed = true;
          return [];
        }
        this.at = close + 1;
      } else {
        // lookahead, lookbehind, (?i:…) and the like: read through, needs nothing
        counts = false;
        this.at += next === "<" ? 3 : 2;
      }
    }
    const inner = this.alternation();
    if (src[this.at] !== ")") {
      this.failed = true;
      return [];
    }
    this.at++;
    return counts ? inner : [];
  }

  /** a quantifier right here: consumed (with a lazy "?"), true */
  quantifier(): boolean {
    const q = this.quantifierAt(this.at);
    if (q < 0) return false;
    this.at = q;
    return true;
  }

  /** the index after a quantifier at `i` (and its lazy "?"), or -1 */
  quantifierAt(i: number): number {
    const src = this.src;
    const c = src[i];
    let j = -1;
    if (c === "?" || c === "*" || c === "+") j = i + 1;
    else if (c === "{") j = braces(src, i);
    if (j > 0 && src[j] === "?") j++;
    return j;
  }

  escape(): void {
    const src = this.src;
    const n = src[this.at + 1];
    if (n === undefined) {
      this.failed = true;
      return;
    }
    this.at += 2;
    // the characters an escape takes beyond its letter: never read as a literal
    if (n === "x") this.at += 2;
    else if (n === "u") this.at = src[this.at] === "{" ? src.indexOf("}", this.at) + 1 : this.at + 4;
    else if (n === "c") this.at += 1;
    else if (n === "k") this.at = src[this.at] === "<" ? src.indexOf(">", this.at) + 1 : this.at;
    else if (n === "p" || n === "P") this.at = src[this.at] === "{" ? src.indexOf("}", this.at) + 1 : this.at;
    else if (n >= "0" && n <= "9")
      while (this.at < src.length && src[this.at]! >= "0" && src[this.at]! <= "9") this.at++;
    if (this.at <= 0) this.failed = true;
  }

  skipClass(): void {
    const src = this.src;
    let i = this.at + 1;
    // ("[]" is an empty class and "[^]" any character: the first "]" closes)
    while (i < src.length) {
      const c = src[i]!;
      if (c === "\\") i += 2;
      else if (c === "]") {
        this.at = i + 1;
        return;
      } else i += 1;
    }
    this.failed = true;
  }
}

/** a letter, a digit or a space */
function isWordChar(code: number): boolean {
  return code === 32 || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** the index after `{n}`, `{n,}` or `{n,m}` at `at`, or -1 (a "{" that is no quantifier is a literal) */
function braces(src: string, at: number): number {
  let i = at + 1;
  const digits = () => {
    const from = i;
    while (i < src.length && src.charCodeAt(i) >= 48 && src.charCodeAt(i) <= 57) i++;
    return i > from;
  };
  if (!digits()) return -1;
  if (src[i] === ",") {
    i++;
    digits();
  }
  return src[i] === "}" ? i + 1 : -1;
}

/** each pattern's literals from the stored table, by the pattern object */
const stored = new WeakMap<RegExp, readonly AnyOf[]>();
/** generating the table: every pattern met, with the literals read from its source */
let met: Map<string, readonly AnyOf[]> | undefined;

/** The literals of `re` as stored at build time (may-match.generated.ts); none for a pattern not in the table. */
function storedLiteralsOf(re: RegExp): readonly AnyOf[] {
  let found = stored.get(re);
  if (!found) {
    const key = `${re.flags}/${re.source}`;
    if (met) {
      found = literalsOf(re);
      met.set(key, found);
    } else found = STORED_LITERALS[key] ?? NONE;
    stored.set(re, found);
  }
  return found;
}

/** scripts/gen-may-match.ts: read every pattern met from its source and keep it; returns what was met so far. */
export function collectPatterns(on: boolean): Map<string, readonly AnyOf[]> {
  const out = met ?? new Map();
  met = on ? out : undefined;
  return out;
}

let verifying = false;
/** Tests: every skip is checked against the pattern itself, and one that would have matched throws. */
export function verifySkips(on: boolean): void {
  verifying = on;
}

let lastText = "";
let lastLower = "";

/** False only when `re` cannot match `text`: a literal every match contains is not in it. */
export function mayMatch(re: RegExp, text: string): boolean {
  const need = storedLiteralsOf(re);
  if (!need.length) return true;
  let hay = text;
  if (re.flags.includes("i")) {
    if (text !== lastText) {
      lastText = text;
      lastLower = text.toLowerCase();
    }
    hay = lastLower;
  }
  for (const any of need)
    if (!any.some((lit) => hay.includes(lit))) {
      if (verifying && new RegExp(re.source, re.flags).test(text))
        throw new Error(`mayMatch skipped /${re.source}/${re.flags}, which matches ${JSON.stringify(text)}`);
      return false;
    }
  return true;
}

/** `text.replace(re, to)`, without running (and compiling) a pattern that cannot match it. */
export function replaceSaid(text: string, re: RegExp, to: string | ((...m: any[]) => string)): string {
  // (a global pattern's replace leaves lastIndex at 0: one left elsewhere runs, to leave it so)
  if ((!re.global || re.lastIndex === 0) && !mayMatch(re, text)) return text;
  return typeof to === "string" ? text.replace(re, to) : text.replace(re, to);
}

/** `re.test(text)`, without running a pattern that cannot match (a global or sticky one always runs: lastIndex). */
export function testSaid(re: RegExp, text: string): boolean {
  if (!re.global && !re.sticky && !mayMatch(re, text)) return false;
  return re.test(text);
}

/** `re.exec(text)`, without running a pattern that cannot match (a global or sticky one always runs: lastIndex). */
export function execSaid(re: RegExp, text: string): RegExpExecArray | null {
  if (!re.global && !re.sticky && !mayMatch(re, text)) return null;
  return re.exec(text);
}
