import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { Document, LineCounter, Node } from "yaml";
import type { z } from "zod";
import { DpError } from "../errors.ts";
import { fastYaml } from "./yaml-fast.ts";

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

  static read(path: string, baseDir = process.cwd()): YamlFile {
    const text = readFileSync(path, "utf8");
    return YamlFile.parse(text, path, relative(baseDir, path) || path);
  }

  static parse(text: string, path: string, displayPath = path): YamlFile {
    return new YamlFile(path, displayPath, text, fastYaml(text));
  }

  private strict(): Positions {
    if (this.positions) return this.positions;
    const { LineCounter, parseDocument } = yamlLib();
    const displayPath = this.displayPath;
    const lines = new LineCounter();
    const doc = parseDocument(this.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
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

  /** Validate with zod; the first issue becomes an exit-2 error naming file:line and key path. */
  validate<S extends z.ZodType>(schema: S, prefix: KeyPath = [], value: unknown = this.data): z.infer<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    const path = [...prefix, ...(issue.path as KeyPath)];
    const where = issue.code === "unrecognized_keys" ? this.locate([...path, issue.keys[0]!]) : this.locate(path);
    throw zodIssueError(issue, path, where);
  }
}

export function keyPathString(path: KeyPath): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "(top level)";
}

function zodIssueError(issue: z.core.$ZodIssue, path: KeyPath, where: string): DpError {
  const keyPath = keyPathString(path);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.join(", ");
    const full = issue.keys.map((k) => keyPathString([...path, k])).join(", ");
    return new DpError("CONFIG", `unknown key ${full}`, {
      where,
      fix: `remove or rename "${keys}" (check the spelling against the documented keys)`,
    });
  }
  if (issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined) {
    return new DpError("CONFIG", `missing required key ${keyPath} (${issue.expected})`, {
      where,
      fix: `add ${keyPath}`,
    });
  }
  const inner = (issue as { issues?: { message: string }[] }).issues?.[0]?.message;
  const message = issue.code === "invalid_key" && inner ? inner : issue.message;
  return new DpError("CONFIG", `invalid value at ${keyPath}: ${message}`, {
    where,
    fix: `correct ${keyPath}`,
  });
}
