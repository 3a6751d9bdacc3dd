import { parseJson } from "../../engine/ingest/exact-json.ts";

/**
 * The next page's `starting_after`, read from the end of a list page's bytes before the page is
 * walked, so the next request is on its way while this page is walked and spooled (the walk is what
 * takes a page's time; a loopback or remote round trip then overlaps it instead of following it).
 *
 * Stripe writes a list as {"object":"list","data":[…],"has_more":…,"url":…}: after the records
 * come only the envelope's scalars. Scanning back from the last byte (a string skipped to its
 * unescaped opening quote, brackets counted) finds the array that closes last in the envelope, its
 * last object, and `has_more` among the members after it. The object alone (a few KB) is parsed
 * for its `id`. Undefined where the tail is not like that (has_more false or before the data,
 * no object last, not JSON): the caller asks for the next page after the walk, as before.
 *
 * Only a guess: the walk's own last record decides the cursor, and a guess that differs from it is
 * dropped (the caller then asks for the right page).
 */
export function nextAfterFromTail(b: Uint8Array): string | undefined {
  let i = skipSpaceBack(b, b.length - 1);
  if (b[i] !== RBRACE) return undefined;
  // back through the envelope's members after the records, to the array that closes last
  const tailEnd = i;
  i--;
  for (;;) {
    if (i < 0) return undefined;
    const c = b[i]!;
    if (c === QUOTE) i = openingQuote(b, i) - 1;
    else if (c === RBRACKET) break;
    else if (c === RBRACE || c === LBRACE || c === LBRACKET) return undefined;
    else i--;
  }
  const arrayEnd = i;
  if (!/"has_more"\s*:\s*true\b/.test(latin1(b, arrayEnd + 1, tailEnd))) return undefined;
  const objectEnd = skipSpaceBack(b, arrayEnd - 1);
  if (b[objectEnd] !== RBRACE) return undefined;
  const objectStart = matchingOpen(b, objectEnd);
  if (objectStart < 0) return undefined;
  try {
    return objectId(b, objectStart, objectEnd + 1);
  } catch {
    return undefined;
  }
}

/**
 * The top-level `id` of the object in `b` from `start` to `end`, when it is a string. Stripe writes
 * `id` first: an object that opens with {"id":"…" (no escape in the value) gives it without a parse
 * (a key twice in one object never reaches here: the walk refuses it, and JSON.parse of the
 * first-key form would give the same); any other object is parsed. Throws for text that is not JSON.
 */
export function objectId(b: Uint8Array, start: number, end: number): string | undefined {
  const head = LEADING_ID.exec(latin1(b, start, Math.min(end, start + 128)));
  if (head && head[0].length < end - start)
    return UTF8.decode(b.subarray(start + head[1]!.length, start + head[0].length - 1));
  const o = parseJson<Record<string, unknown>>(UTF8.decode(b.subarray(start, end)));
  return typeof o?.id === "string" ? o.id : undefined;
}

/** {"id":"…" with the value's text in group 2 and everything before the value in group 1 */
const LEADING_ID = /^(\{\s*"id"\s*:\s*")([^"\\\u0000-\u001f]*)"/;

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const UTF8 = new TextDecoder();

function skipSpaceBack(b: Uint8Array, i: number): number {
  while (i >= 0 && (b[i] === 32 || b[i] === 10 || b[i] === 13 || b[i] === 9)) i--;
  return i;
}

/** The opening quote of the string whose closing quote is at `close` (-1 when there is none): the first quote before it not escaped by an odd run of backslashes. */
function openingQuote(b: Uint8Array, close: number): number {
  for (let q = close - 1; q >= 0; q--) {
    if (b[q] !== QUOTE) continue;
    let k = q - 1;
    while (k >= 0 && b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q;
  }
  return -1;
}

/** The `{` that opens the object closing at `close`, brackets counted back outside strings (-1 when unbalanced). */
function matchingOpen(b: Uint8Array, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = b[i]!;
    if (c === QUOTE) {
      i = openingQuote(b, i);
      if (i < 0) return -1;
    } else if (c === RBRACE || c === RBRACKET) depth++;
    else if (c === LBRACE || c === LBRACKET) {
      depth--;
      if (depth === 0) return c === LBRACE ? i : -1;
    }
  }
  return -1;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
}
