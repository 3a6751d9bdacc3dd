import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { relative } from "node:path";
import type { Document, LineCounter, Node } from "yaml";
import type { z } from "zod";
import { closestName } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import { looksSecret } from "../secrets.ts";
import { knownKeysAt } from "./schema-keys.ts";
import { fastYaml } from "./yaml-fast.ts";

/** Larger YAML files are refused before parsing: every step after the read is linear, and this bounds it. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;

export type KeyPath = (string | number)[];

interface Positions {
  doc: Document;
  lines: LineCounter;
}

// loaded only when a file needs strict parsing or a position: cold, it costs more than the parse itself
const yamlLib = (): typeof import("yaml") => require("yaml");

/**
 * A parsed YAML file that can name file:line for any key path. Values come
 * from Bun's parser when it provably agrees with the strict one; the strict
 * parse with positions runs on first need (an error, a `where`).
 */
export class YamlFile {
  readonly data: unknown;
  private positions?: Positions;
  private constructor(
    readonly path: string,
    readonly displayPath: string,
    private readonly text: string,
    fast: { ok: true; data: unknown } | { ok: false },
  ) {
    if (fast.ok) {
      this.data = fast.data;
      return;
    }
    const { doc } = this.strict();
    try {
      this.data = doc.toJS();
    } catch (e) {
      // the yaml library refuses alias bombs ("Excessive alias count …") only when converting
      throw new DpError("CONFIG", `invalid YAML: ${(e as Error).message}`, {
        where: displayPath,
        fix: "remove the anchors and aliases (&name / *name) that expand into many copies",
      });
    }
  }

  static read(path: string, baseDir = process.cwd(), maxBytes = MAX_YAML_BYTES): YamlFile {
    const displayPath = relative(baseDir, path) || path;
    return YamlFile.parse(readBounded(path, displayPath, maxBytes), path, displayPath);
  }

  static parse(text: string, path: string, displayPath = path): YamlFile {
    return new YamlFile(path, displayPath, text, fastYaml(text));
  }

  private strict(): Positions {
    if (this.positions) return this.positions;
    const { LineCounter, parseDocument } = yamlLib();
    const displayPath = this.displayPath;
    const lines = new LineCounter();
    // the library's own duplicate-key check compares every key with every other (20k keys: 2 s); ours is linear
    const doc = parseDocument(this.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      // the parser recurses per level: thousands of nested brackets overflow its stack
      const what = /Maximum call stack/.test(err.message) ? "nested too deeply" : err.message.split("\n")[0];
      throw new DpError("CONFIG", `invalid YAML: ${what}`, {
        where: `${displayPath}${pos ? `:${pos.line}:${pos.col}` : ""}`,
        fix: "fix the YAML syntax at that line (indentation, quotes, a missing ':')",
      });
    }
    const duplicate = firstDuplicateKey(doc);
    if (duplicate) {
      const pos = lines.linePos(duplicate.offset);
      throw new DpError("CONFIG", `invalid YAML: Map keys must be unique ("${duplicate.key}" appears twice)`, {
        where: `${displayPath}:${pos.line}:${pos.col}`,
        fix: "keep one of the two (YAML keeps neither silently)",
      });
    }
    return (this.positions = { doc, lines });
  }

  /** file:line of the deepest node that exists along the path. */
  locate(path: KeyPath): string {
    const { isMap, isSeq } = yamlLib();
    const { doc, lines } = this.strict();
    let node: unknown = doc.contents;
    let offset: number | undefined = (node as Node | null)?.range?.[0];
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof key === "number") {
        node = node.items[key];
        offset = (node as Node | undefined)?.range?.[0] ?? offset;
      } else break;
    }
    if (offset === undefined) return this.displayPath;
    const { line } = lines.linePos(offset);
    return `${this.displayPath}:${line}`;
  }

  /** Validate with zod; the first issue becomes an exit-2 error naming file:line, the key path and the closest valid key. */
  validate<S extends z.ZodType>(schema: S, prefix: KeyPath = [], value: unknown = this.data): z.infer<S> {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    const issue = typoFirst(result.error.issues);
    const inner = issue.path as KeyPath;
    const path = [...prefix, ...inner];
    if (issue.code === "unrecognized_keys") {
      const where = this.locate([...path, issue.keys[0]!]);
      throw unknownKeysError(issue.keys, path, knownKeysAt(schema, inner), where);
    }
    throw zodIssueError(issue, path, this.locate(path));
  }
}

function readBounded(path: string, displayPath: string, maxBytes: number): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) {
      throw new DpError(
        "CONFIG",
        `${displayPath} is ${(size / 1024 / 1024).toFixed(1)} MB; dp reads YAML files of at most ${Math.round(maxBytes / 1024)} KB`,
        { where: displayPath, fix: "this is not a hand-written file: check what generated it" },
      );
    }
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buf.toString("utf8", 0, read);
  } finally {
    closeSync(fd);
  }
}

/** The first mapping key that appears twice, walking every mapping once with a set per mapping. */
function firstDuplicateKey(doc: Document): { key: string; offset: number } | undefined {
  const { isMap, isSeq, isScalar } = yamlLib();
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        const name = isScalar(k) ? String(k.value) : JSON.stringify(k?.toJSON?.() ?? k);
        if (seen.has(name)) return { key: name, offset: k?.range?.[0] ?? 0 };
        seen.add(name);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return undefined;
}

export function keyPathString(path: KeyPath): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "(top level)";
}

function unknownKeysError(keys: string[], path: KeyPath, valid: string[], where: string): DpError {
  const shown = keys.slice(0, 3).map((k) => keyPathString([...path, k]));
  const more = keys.length > shown.length ? ` and ${keys.length - shown.length} more` : "";
  const near = closestName(keys[0]!, valid);
  const suggestion = near ? `did you mean "${near}"? ` : "";
  const listed = valid.length && valid.length <= 12 ? ` (valid keys here: ${valid.join(", ")})` : "";
  return new DpError("CONFIG", `unknown key ${shown.join(", ")}${more}`, {
    where,
    fix: `${suggestion ? `${suggestion}rename the key, or remove it` : `remove or rename "${keys[0]}"`}${listed}`,
  });
}

/** "a string", "the number 5": what was found, never the value of a key named like a secret. */
function describeInput(input: unknown, key: string | number | undefined): string {
  const type =
    input === null ? "null" : Array.isArray(input) ? "list" : typeof input === "object" ? "mapping" : typeof input;
  const article = /^[aeiou]/.test(type) ? "an" : "a";
  const secret = typeof key === "string" && looksSecret(key);
  if (secret || (typeof input !== "number" && typeof input !== "boolean")) return `${article} ${type}`;
  return `the ${type} ${String(input)}`;
}

const EXPECTED: Record<string, string> = { object: "a mapping", array: "a list", record: "a mapping" };

/** "treshold" is both an unknown key and a missing "threshold": the typo is the one to report. */
function typoFirst(issues: z.core.$ZodIssue[]): z.core.$ZodIssue {
  const first = issues[0]!;
  if (first.code === "unrecognized_keys" || (first as { input?: unknown }).input !== undefined) return first;
  const parent = JSON.stringify(first.path.slice(0, -1));
  return issues.find((i) => i.code === "unrecognized_keys" && JSON.stringify(i.path) === parent) ?? first;
}

function zodIssueError(issue: z.core.$ZodIssue, path: KeyPath, where: string): DpError {
  const keyPath = keyPathString(path);
  // an enum (authority: autonomous | recommend | …) left out is missing, not a wrong value
  if (issue.code === "invalid_value" && (issue as { input?: unknown }).input === undefined)
    return new DpError("CONFIG", `missing required key ${keyPath} (${issue.values.map(String).join(" | ")})`, {
      where,
      fix: `add ${keyPath}`,
    });
  if (issue.code === "invalid_type") {
    const input = (issue as { input?: unknown }).input;
    const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
    if (input === undefined) {
      return new DpError("CONFIG", `missing required key ${keyPath} (${issue.expected})`, {
        where,
        fix: `add ${keyPath}`,
      });
    }
    return new DpError(
      "CONFIG",
      `wrong type at ${keyPath}: expected ${expected}, got ${describeInput(input, path.at(-1))}`,
      {
        where,
        fix: `make ${keyPath} ${expected}${issue.expected === "string" ? ' (quote it: "...")' : ""}`,
      },
    );
  }
  const inner = (issue as { issues?: { message: string }[] }).issues?.[0]?.message;
  const message = issue.code === "invalid_key" && inner ? inner : issue.message;
  return new DpError("CONFIG", `invalid value at ${keyPath}: ${message}`, {
    where,
    fix: `correct ${keyPath}`,
  });
}
