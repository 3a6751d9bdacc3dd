import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";

/**
 * `contract: true` and column types written into a model's YAML entry as text edits at the nodes' own
 * offsets (the `yaml` package's source ranges), so everything else in the file keeps its bytes: comments,
 * blank lines, `[a, b]` next to `{ a: b }`, long descriptions. Re-rendering the whole document cannot do
 * that (the package pads all flow collections alike and folds long lines): one contract was a 642-line diff.
 */
export function withContract(text: string, model: string, columns: { name: string; type: string }[]): string {
  const doc = parseDocument(text);
  const models = doc.get("models", true);
  if (!isSeq(models))
    return `${text.replace(/\s*$/, "")}${text.trim() ? "\n" : ""}models:\n${newEntry(model, columns, "  ")}\n`;
  const entry = models.items.find((m): m is YAMLMap => isMap(m) && m.get("name") === model);
  const edits: Edit[] = [];
  if (!entry) {
    const last = models.items.at(-1) as Node | undefined;
    const indent = last ? " ".repeat(dashColumn(text, last)) : "  ";
    edits.push({
      at: last ? lineEnd(text, last.range![1]) : text.length,
      text: `\n${newEntry(model, columns, indent)}`,
    });
  } else {
    contractEdits(text, entry, columns, edits);
  }
  return apply(text, edits);
}

interface Edit {
  at: number;
  /** characters replaced from `at` (0: an insertion) */
  length?: number;
  text: string;
}

function contractEdits(text: string, entry: YAMLMap, columns: { name: string; type: string }[], edits: Edit[]): void {
  setKey(text, entry, "contract", "true", edits);
  const cols = entry.get("columns", true);
  if (!isSeq(cols)) {
    const list = columns.map((c) => `${entryIndent(text, entry)}  - ${flowColumn(c)}`).join("\n");
    if (entry.flow) edits.push(replaceNode(text, entry, renderFlow(entry, columns)));
    else edits.push({ at: lineEnd(text, entry.range![1]), text: `\n${entryIndent(text, entry)}columns:\n${list}` });
    return;
  }
  const built = new Set(columns.map((c) => c.name));
  for (const item of cols.items as Node[]) {
    if (!isMap(item)) continue;
    const name = String(item.get("name"));
    if (!built.has(name)) edits.push(removeItem(text, item));
  }
  for (const c of columns) {
    const item = (cols.items as Node[]).find((x): x is YAMLMap => isMap(x) && x.get("name") === c.name);
    if (item) setKey(text, item, "type", scalar(c.type), edits);
  }
  const added = columns.filter((c) => !(cols.items as Node[]).some((x) => isMap(x) && x.get("name") === c.name));
  if (!added.length) return;
  const last = cols.items.at(-1) as Node | undefined;
  if (cols.flow || !last) {
    edits.push(replaceNode(text, cols, `[${[...itemsText(text, cols), ...added.map(flowColumn)].join(", ")}]`));
    return;
  }
  const dash = " ".repeat(dashColumn(text, last));
  edits.push({ at: lineEnd(text, last.range![1]), text: added.map((c) => `\n${dash}- ${flowColumn(c)}`).join("") });
}

/** `key: value` in a map: the scalar replaced if the key is there, else a pair after `name:`. */
function setKey(text: string, map: YAMLMap, key: string, value: string, edits: Edit[]): void {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Node, Node> | undefined;
  if (pair?.value && isScalar(pair.value)) {
    if (String(pair.value.value) === value.replace(/^"|"$/g, "")) return;
    const [start, end] = pair.value.range!;
    edits.push({ at: start, length: end - start, text: value });
    return;
  }
  const name = map.items.find((p) => isScalar(p.key) && p.key.value === "name") as Pair<Node, Node> | undefined;
  const after = name?.value?.range?.[1] ?? (map.items[0]?.value as Node | undefined)?.range?.[1];
  if (after === undefined) return;
  if (map.flow) edits.push({ at: after, text: `, ${key}: ${value}` });
  else {
    const keyNode = (name?.key ?? map.items[0]!.key) as Node;
    edits.push({ at: lineEnd(text, after), text: `\n${" ".repeat(column(text, keyNode.range![0]))}${key}: ${value}` });
  }
}

function removeItem(text: string, item: Node): Edit {
  const start = text.lastIndexOf("\n", item.range![0]);
  const end = lineEnd(text, item.range![1]);
  return { at: start, length: end - start, text: "" };
}

function replaceNode(text: string, node: Node, replacement: string): Edit {
  const [start, end] = node.range!;
  return { at: start, length: text.slice(start, end).trimEnd().length, text: replacement };
}

function itemsText(text: string, seq: YAMLSeq): string[] {
  return (seq.items as Node[]).map((n) => text.slice(n.range![0], n.range![1]));
}

function renderFlow(entry: YAMLMap, columns: { name: string; type: string }[]): string {
  const kept = entry.items
    .filter((p) => isScalar(p.key) && !["contract", "columns"].includes(String(p.key.value)))
    .map(
      (p) =>
        `${String((p.key as { value: unknown }).value)}: ${scalar(String((p.value as { value?: unknown })?.value ?? ""))}`,
    );
  return `{ ${[...kept, "contract: true", `columns: [${columns.map(flowColumn).join(", ")}]`].join(", ")} }`;
}

function newEntry(model: string, columns: { name: string; type: string }[], dash: string): string {
  return [
    `${dash}- name: ${model}`,
    `${dash}  contract: true`,
    `${dash}  columns:`,
    ...columns.map((c) => `${dash}    - ${flowColumn(c)}`),
  ].join("\n");
}

const flowColumn = (c: { name: string; type: string }) => `{ name: ${scalar(c.name)}, type: ${scalar(c.type)} }`;

/** Plain when safe in a flow collection too (DECIMAL(18,3) has a comma), else double-quoted. */
function scalar(v: string): string {
  return /^[A-Za-z_][\w ()]*$/.test(v) && !/ $/.test(v) ? v : JSON.stringify(v);
}

const column = (text: string, at: number) => at - (text.lastIndexOf("\n", at - 1) + 1);
/** The end of the last line with content at or before `at` (a block node's range runs on past its newline). */
function lineEnd(text: string, at: number): number {
  let p = at;
  while (p > 0 && /\s/.test(text[p - 1]!)) p--;
  const nl = text.indexOf("\n", p);
  return nl === -1 ? text.length : nl;
}

/** The column of the `-` in front of a sequence item. */
function dashColumn(text: string, item: Node): number {
  const start = item.range![0];
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const dash = text.lastIndexOf("-", start);
  return dash >= lineStart ? dash - lineStart : column(text, start);
}

function entryIndent(text: string, entry: YAMLMap): string {
  const first = entry.items[0]?.key as Node | undefined;
  return " ".repeat(first?.range ? column(text, first.range[0]) : 4);
}

function apply(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.at - a.at))
    out = out.slice(0, e.at) + e.text + out.slice(e.at + (e.length ?? 0));
  return out;
}
