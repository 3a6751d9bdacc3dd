/**
 * The records of a JSON page taken from its bytes, without JSON.parse and JSON.stringify: one
 * validating walk finds the records array, copies each record's bytes to an NDJSON line and records the
 * page's shape. What DuckDB reads from the line means exactly what it would read from
 * JSON.stringify(parseJson(record)) (exact-json.ts): numbers are rewritten to JavaScript's form
 * wherever that differs (1.50 → 1.5, 1e2 → 100), except integers past 2^53, which keep their
 * digits, and newlines between tokens are dropped. Strings keep their escapes; DuckDB decodes them to the same text.
 * Anything the walk cannot reproduce exactly (a record that is not an object, a key twice in one
 * object, a key like "7" that JavaScript would move to the front) makes it give up, and the caller
 * parses the page as before.
 *
 * The walk reads the UTF-8 bytes through a latin1 view (one character per byte), so a character's
 * index is its byte's: a record's line is a copy of its bytes, never decoded and encoded again.
 * JSON's structure is ASCII and every byte of a multi-byte character is ≥ 0x80, so the view finds
 * the same tokens; keys, picked values and the envelope are decoded from UTF-8 where they leave the walk.
 */
import { isAscii, isUtf8 } from "node:buffer";
import { parseJson } from "./exact-json.ts";
import {
  integerWidth,
  RecordShape,
  ShapeNode,
  STRING,
  BOOLEAN,
  INTEGER,
  NUMBER,
  NULL,
  ARRAY,
  OBJECT,
} from "./record-shape.ts";

const UTF8 = new TextDecoder();

/** Records as NDJSON: one record per line, each line ending in "\n". */
export class RecordsText {
  private text: string | undefined;

  constructor(
    /** the lines as UTF-8, what the spool file gets */
    readonly bytes: Uint8Array,
    readonly count: number,
    /** the shape of these records, as RecordShape.add would see the parsed records */
    readonly shape: RecordShape,
    /** the raw value of the top-level key asked for, per record (undefined where absent) */
    readonly picked?: (string | undefined)[],
  ) {}

  /** the lines as text (decoded on first use: the lake writer spools the bytes) */
  get ndjson(): string {
    return (this.text ??= UTF8.decode(this.bytes));
  }
}

export interface TextPage {
  /** the body with the records array emptied, parsed */
  envelope: unknown;
  records: RecordsText;
}

/** The walk met something it does not reproduce exactly; parse the page instead. */
export class NotReproducible extends Error {}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const DOT = 46;
const PLUS = 43;
const LOWER_E = 101;
const UPPER_E = 69;

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

const EMPTY = Buffer.alloc(0);

/** marks which object a key was last seen in, to find a key twice in one object */
let visits = 0;

/**
 * Find the records array at `path` (keys; [] is the body itself; undefined: the body when it is an
 * array, else the first array among `usualKeys`) and take its records. Throws SyntaxError for text that is not
 * JSON, NotReproducible when the walk cannot vouch for the result; undefined when there is no array there.
 */
export function recordsFromText(
  text: string,
  path: string[] | undefined,
  usualKeys: string[],
  pick?: string,
): TextPage | undefined {
  return recordsFromBytes(Buffer.from(text, "utf8"), path, usualKeys, pick);
}

/**
 * recordsFromText over a body's UTF-8 bytes (valid UTF-8, without a byte order mark). The records'
 * lines are written over the body's own bytes: the caller gives the bytes up.
 */
export function recordsFromBytes(
  bytes: Uint8Array,
  path: string[] | undefined,
  usualKeys: string[],
  pick?: string,
): TextPage | undefined {
  const src = asBuffer(bytes);
  return walkBytes(src, src.toString("latin1"), path, usualKeys, pick);
}

/** The walk over `src`, read through `s`, its latin1 view, which stays as the body was (the envelope is read from it). */
function walkBytes(
  src: Buffer,
  s: string,
  path: string[] | undefined,
  usualKeys: string[],
  pick: string | undefined,
): TextPage | undefined {
  const found = new Walk(s, src, pick).find(path, usualKeys);
  if (!found) return undefined;
  const envelope = parseJson(fromLatin1(s.slice(0, found.start)) + "[]" + fromLatin1(s.slice(found.end)));
  return { envelope, records: found.records };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A page with its records as NDJSON text and the body around them, or, where the walk could not vouch for them, the parsed body. */
export type PageText<B = unknown> = { body: B; text: RecordsText } | { body: B; text?: undefined };

/**
 * recordsFromText with the last word left to JSON.parse: a page with no array there, or one the walk
 * does not reproduce, is parsed whole; text that is not JSON throws as JSON.parse does.
 */
export function pageFromText<B = unknown>(
  text: string,
  path: string[] | undefined,
  usualKeys: string[],
  pick?: string,
): PageText<B> {
  try {
    const page = recordsFromText(text, path, usualKeys, pick);
    if (page) return { body: page.envelope as B, text: page.records };
  } catch {}
  return { body: parseJson<B>(text) };
}

/**
 * pageFromText over the body's bytes as they arrived. A body that is not valid UTF-8 is decoded as
 * `Response.text()` decodes it (bad bytes become U+FFFD) and walked as that text, as before.
 */
export function pageFromBytes<B = unknown>(
  bytes: Uint8Array,
  path: string[] | undefined,
  usualKeys: string[],
  pick?: string,
): PageText<B> {
  // Response.text() drops a byte order mark
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (!isAscii(bytes) && !isUtf8(bytes)) return pageFromText(UTF8.decode(bytes), path, usualKeys, pick);
  const src = asBuffer(bytes);
  const s = src.toString("latin1");
  try {
    const page = walkBytes(src, s, path, usualKeys, pick);
    if (page) return { body: page.envelope as B, text: page.records };
  } catch {}
  // the walk may have written over the bytes: the view has the body as it came
  return { body: parseJson<B>(fromLatin1(s)) };
}

/** A body's text, as `Response.text()` decodes it (a byte order mark dropped, bad bytes as U+FFFD). */
export function bodyText(bytes: Uint8Array): string {
  return UTF8.decode(bytes);
}

/** The last record of the text, parsed (a cursor read from the last record costs one parse, not a page's). */
export function lastRecord(records: RecordsText): Record<string, unknown> | undefined {
  if (!records.count) return undefined;
  const b = records.bytes;
  const from = b.lastIndexOf(10, b.length - 2) + 1;
  return parseJson(UTF8.decode(b.subarray(from)));
}

/** UTF-8 read through the latin1 view, as text. */
function fromLatin1(s: string): string {
  return /[\u0080-\u00ff]/.test(s) ? Buffer.from(s, "latin1").toString("utf8") : s;
}

interface Found {
  start: number;
  end: number;
  records: RecordsText;
}

class Walk {
  pos = 0;
  /**
   * The NDJSON is written over the body's own bytes, behind the walk (`inPlace`: from linesStart to
   * outLen of `src`): a record's line is never longer than its text with the comma after it, unless a
   * number is rewritten longer (1e21 → 1e+21); from such a number on, the lines go to `out`.
   */
  private inPlace = true;
  private linesStart = 0;
  private outLen = 0;
  private out: Buffer = EMPTY;
  /** where the current record's text is copied from; -1 between records */
  private copied = -1;
  /** raw tab, newline and carriage return characters met between tokens of the records */
  private spaces = 0;
  private nextBackslash = -1;
  private picking: ShapeNode | undefined;
  private pickedValue: string | undefined;
  private readonly scratch = new ShapeNode();

  constructor(
    /** the body's bytes, one character each (latin1) */
    private readonly s: string,
    private readonly src: Buffer,
    private readonly pick: string | undefined,
  ) {}

  /** The records array, as JSON.parse then the path would find it: the last occurrence of a key wins. */
  find(path: string[] | undefined, usualKeys: string[]): Found | undefined {
    this.ws();
    let found: Found | undefined;
    const c = this.s.charCodeAt(this.pos);
    if ((path === undefined || path.length === 0) && c === LBRACKET) found = this.records();
    else if (path?.length === 0) this.value(this.scratch);
    else if (c === LBRACE) {
      if (path) found = this.descend(path, 0);
      else {
        const byKey = new Map<string, Found | undefined>();
        this.members((key) => {
          if (!usualKeys.includes(key)) return false;
          const array = this.s.charCodeAt(this.pos) === LBRACKET;
          byKey.set(key, array ? this.records() : undefined);
          return array;
        });
        found = usualKeys.map((k) => byKey.get(k)).find((f) => f !== undefined);
      }
    } else this.value(this.scratch);
    this.ws();
    if (this.pos !== this.s.length) throw this.syntax();
    return found;
  }

  private descend(path: string[], depth: number): Found | undefined {
    let found: Found | undefined;
    this.members((key) => {
      if (key !== path[depth]) return false;
      const c = this.s.charCodeAt(this.pos);
      if (depth === path.length - 1 && c === LBRACKET) found = this.records();
      else if (depth < path.length - 1 && c === LBRACE) found = this.descend(path, depth + 1);
      else {
        found = undefined;
        return false;
      }
      return true;
    });
    return found;
  }

  /** Walk the object at pos; `take` walks the value of a key it wants and returns true, or returns false to have it skipped. */
  private members(take: (key: string) => boolean): void {
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      const key = this.key();
      this.ws();
      this.expect(COLON);
      this.ws();
      if (!take(key)) this.value(this.scratch);
      this.ws();
      const c = this.s.charCodeAt(this.pos++);
      if (c === RBRACE) return;
      if (c !== COMMA) throw this.syntax();
      this.ws();
    }
  }

  private records(): Found {
    const start = this.pos;
    const shape = new RecordShape();
    const root = shape.root;
    const picked: (string | undefined)[] | undefined = this.pick === undefined ? undefined : [];
    this.picking = picked ? root : undefined;
    this.spaces = 0;
    this.inPlace = true;
    this.linesStart = start + 1;
    this.outLen = start + 1;
    this.pos++;
    this.ws();
    let count = 0;
    if (this.s.charCodeAt(this.pos) === RBRACKET) this.pos++;
    else {
      for (;;) {
        const first = this.s.charCodeAt(this.pos);
        if (first !== LBRACE)
          throw first === RBRACKET ? this.syntax() : new NotReproducible("a record is not an object");
        this.copied = this.pos;
        this.pickedValue = undefined;
        this.value(root);
        this.emit(this.copied, this.pos);
        // in place, over the comma, bracket or space that follows the record (the lines never run ahead of the walk)
        this.emitText("\n", this.pos + 1);
        this.copied = -1;
        picked?.push(this.pickedValue);
        count++;
        this.ws();
        const c = this.s.charCodeAt(this.pos++);
        if (c === RBRACKET) break;
        if (c !== COMMA) throw this.syntax();
        this.ws();
      }
    }
    this.checkControlChars(start, this.pos);
    const bytes = this.inPlace ? this.src.subarray(this.linesStart, this.outLen) : this.out.subarray(0, this.outLen);
    this.out = EMPTY;
    return { start, end: this.pos, records: new RecordsText(bytes, count, shape, picked) };
  }

  /** JSON allows no raw control character inside a string; the walk counted those it met between tokens. */
  private checkControlChars(start: number, end: number): void {
    const control = /[\u0000-\u001f]/g;
    control.lastIndex = start;
    let n = 0;
    for (let m = control.exec(this.s); m && m.index < end; m = control.exec(this.s)) n++;
    if (n !== this.spaces) throw new SyntaxError("JSON: a control character inside a string");
  }

  private value(node: ShapeNode): void {
    const c = this.s.charCodeAt(this.pos);
    if (c === QUOTE) {
      node.kinds |= STRING;
      this.pos = this.stringEnd(this.pos);
    } else if (c === LBRACE) {
      node.kinds |= OBJECT;
      this.object(node);
    } else if (c === LBRACKET) {
      node.kinds |= ARRAY;
      this.array(node);
    } else if (c === 116) {
      node.kinds |= BOOLEAN;
      this.literal("true");
    } else if (c === 102) {
      node.kinds |= BOOLEAN;
      this.literal("false");
    } else if (c === 110) {
      node.kinds |= NULL;
      this.literal("null");
    } else {
      node.kinds |= this.number(node);
    }
  }

  private object(node: ShapeNode): void {
    const visit = ++visits;
    const picking = node === this.picking;
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      node.keys ??= new Map();
      return;
    }
    let previous = -1;
    for (;;) {
      const child = this.child(node, previous);
      if (child.visit === visit) throw new NotReproducible("a key appears twice in one object");
      child.visit = visit;
      previous = child.index;
      this.ws();
      const valueStart = this.pos;
      this.value(child);
      if (picking && node.order![child.index] === this.pick)
        this.pickedValue = fromLatin1(this.s.slice(valueStart, this.pos));
      this.ws();
      const c = this.s.charCodeAt(this.pos++);
      if (c === RBRACE) return;
      if (c !== COMMA) throw this.syntax();
      this.ws();
    }
  }

  /** The node of the key at pos; records usually repeat their keys in order, so try the one after the previous key first. */
  private child(node: ShapeNode, previous: number): ShapeNode {
    if (this.s.charCodeAt(this.pos) !== QUOTE) throw this.syntax();
    const guess = node.children?.[previous + 1];
    if (guess !== undefined && guess.quoted !== undefined && this.s.startsWith(guess.quoted, this.pos)) {
      this.pos += guess.quoted.length;
      return guess;
    }
    const found = this.namedChild(node);
    this.ws();
    this.expect(COLON);
    return found;
  }

  private namedChild(node: ShapeNode): ShapeNode {
    const start = this.pos;
    const key = this.key();
    const keys = (node.keys ??= new Map());
    let child = keys.get(key);
    if (child === undefined) {
      // JavaScript objects put array-index keys first, so JSON.stringify would reorder them, and with them DuckDB's columns
      if (ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1) throw new NotReproducible("an array-index key");
      child = new ShapeNode();
      keys.set(key, child);
      child.index = (node.order ??= []).length;
      node.order.push(key);
      (node.children ??= []).push(child);
      // the key as the body writes it (the walk compares it with the body's bytes)
      const raw = this.s.slice(start, this.pos);
      if (!/[\\\u0000-\u001f]/.test(raw.slice(1, -1))) child.quoted = `${raw}:`;
    }
    return child;
  }

  private key(): string {
    if (this.s.charCodeAt(this.pos) !== QUOTE) throw this.syntax();
    const start = this.pos;
    this.pos = this.stringEnd(start);
    const raw = fromLatin1(this.s.slice(start + 1, this.pos - 1));
    return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  private array(node: ShapeNode): void {
    const items = (node.items ??= new ShapeNode());
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return;
    }
    for (;;) {
      this.value(items);
      this.ws();
      const c = this.s.charCodeAt(this.pos++);
      if (c === RBRACKET) return;
      if (c !== COMMA) throw this.syntax();
      this.ws();
    }
  }

  /** Past the closing quote of the string opening at `start`; escapes are checked, raw control characters later. */
  private stringEnd(start: number): number {
    const s = this.s;
    let i = start + 1;
    for (;;) {
      const quote = s.indexOf('"', i);
      if (quote < 0) throw this.syntax();
      if (this.nextBackslash < i) {
        this.nextBackslash = s.indexOf("\\", i);
        if (this.nextBackslash < 0) this.nextBackslash = s.length;
      }
      if (this.nextBackslash > quote) return quote + 1;
      const b = this.nextBackslash;
      const e = s.charCodeAt(b + 1);
      if (e === 117) {
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(b + 2, b + 6))) throw this.syntax();
        i = b + 6;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 47 ||
        e === 98 ||
        e === 102 ||
        e === 110 ||
        e === 114 ||
        e === 116
      ) {
        i = b + 2;
      } else throw this.syntax();
    }
  }

  private number(node: ShapeNode): number {
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === MINUS) i++;
    const first = s.charCodeAt(i);
    if (first === ZERO) i++;
    else if (first > ZERO && first <= NINE) while (isDigit(s.charCodeAt(++i)));
    else throw this.syntax();
    let plain = true;
    if (s.charCodeAt(i) === DOT) {
      plain = false;
      if (!isDigit(s.charCodeAt(++i))) throw this.syntax();
      while (isDigit(s.charCodeAt(++i)));
    }
    const e = s.charCodeAt(i);
    if (e === LOWER_E || e === UPPER_E) {
      plain = false;
      const sign = s.charCodeAt(++i);
      if (sign === PLUS || sign === MINUS) i++;
      if (!isDigit(s.charCodeAt(i))) throw this.syntax();
      while (isDigit(s.charCodeAt(++i)));
    }
    this.pos = i;
    // up to 15 digits is a safe integer that JSON.stringify writes back unchanged ("-0" is not)
    if (plain && i - start <= 15 && !(i - start === 2 && first === ZERO)) return INTEGER;
    const token = s.slice(start, i);
    const value = Number(token);
    // an integer past 2^53 keeps its digits (exact-json.ts): DuckDB reads the token exactly
    if (plain && !Number.isSafeInteger(value)) {
      node.width = Math.max(node.width, integerWidth(token));
      return INTEGER;
    }
    const written = Number.isFinite(value) ? String(value) : "null";
    if (written !== token) this.replace(start, i, written);
    return Number.isSafeInteger(value) ? INTEGER : NUMBER;
  }

  private literal(word: string): void {
    if (!this.s.startsWith(word, this.pos)) throw this.syntax();
    this.pos += word.length;
  }

  private expect(c: number): void {
    if (this.s.charCodeAt(this.pos) !== c) throw this.syntax();
    this.pos++;
  }

  /** Skip whitespace; a line break inside a record is dropped from its NDJSON line. */
  private ws(): void {
    if (this.s.charCodeAt(this.pos) > SPACE) return;
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === SPACE) this.pos++;
      else if (c === LF || c === CR || c === TAB) {
        this.spaces++;
        if (c !== TAB) this.replace(this.pos, this.pos + 1, "");
        this.pos++;
      } else return;
    }
  }

  private replace(start: number, end: number, by: string): void {
    if (this.copied < 0) return;
    this.emit(this.copied, start);
    this.emitText(by, end);
    this.copied = end;
  }

  /** The body's bytes from `start` to `end` to the NDJSON (in place: moved back, when anything before them was dropped). */
  private emit(start: number, end: number): void {
    if (this.inPlace) {
      if (start !== this.outLen) this.src.copyWithin(this.outLen, start, end);
      this.outLen += end - start;
      return;
    }
    this.room(end - start);
    this.outLen += this.src.copy(this.out, this.outLen, start, end);
  }

  /** ASCII text (a rewritten number, a line break) to the NDJSON, in place when it ends before `before`, the walk's next unread byte. */
  private emitText(text: string, before: number): void {
    if (this.inPlace && this.outLen + text.length > before) this.leavePlace();
    if (this.inPlace) {
      for (let i = 0; i < text.length; i++) this.src[this.outLen++] = text.charCodeAt(i);
      return;
    }
    this.room(text.length);
    this.outLen += this.out.write(text, this.outLen, "latin1");
  }

  /** The lines so far to a buffer of their own, where the rest follow them. */
  private leavePlace(): void {
    this.inPlace = false;
    const n = this.outLen - this.linesStart;
    this.out = Buffer.allocUnsafe(Math.max(2 * n, this.s.length - this.linesStart + 64));
    this.src.copy(this.out, 0, this.linesStart, this.outLen);
    this.outLen = n;
  }

  private room(n: number): void {
    if (this.outLen + n <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outLen + n));
    this.out.copy(grown, 0, 0, this.outLen);
    this.out = grown;
  }

  private syntax(): SyntaxError {
    return new SyntaxError(
      `JSON: unexpected ${this.pos < this.s.length ? JSON.stringify(this.s[this.pos]) : "end"} at ${this.pos}`,
    );
  }
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}
