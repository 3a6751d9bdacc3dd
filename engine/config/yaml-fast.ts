/**
 * Bun's native YAML parser, trusted only where it provably agrees with the
 * strict `yaml` library dp reports errors with. Bun keeps the last of two equal
 * keys, expands `<<` merges and reads several documents; the strict parser
 * rejects or keeps those. So a file takes the fast path only when it uses none
 * of the constructs that differ and the number of keys in the text equals the
 * number of keys Bun returned: the count below never misses a key (it may
 * count extra, which only sends the file to the strict parser), so a lost
 * duplicate always shows as a mismatch.
 */

const DIFFERS = [
  /^(?:%|---|\.\.\.)/m, // directives, several documents
  /\t/, // tab indentation and separation
  /<</, // merge keys
  /(?:^|[\s[{,])[&*][^\s,[\]{}]/m, // anchors and aliases (and alias bombs)
  /(?:^|[\s[{,])![!<A-Za-z]/m, // tags
  /(?:^|[\s[{,])\?(?:\s|$)/m, // complex keys
  /(?:^|[\s[{,])(?:null|Null|NULL|~)?\s*:(?:\s|$)/m, // null or empty keys
];

export type FastYaml = { ok: true; data: unknown } | { ok: false };

export function fastYaml(text: string): FastYaml {
  if (DIFFERS.some((re) => re.test(text))) return { ok: false };
  const keys = keysInText(text);
  if (keys === undefined) return { ok: false };
  try {
    const data: unknown = Bun.YAML.parse(text);
    return keysIn(data) === keys ? { ok: true, data } : { ok: false };
  } catch {
    // Bun rejects it (or it nests too deeply to count): the strict parser says why
    return { ok: false };
  }
}

function closesOnLine(line: string, at: number): boolean {
  const q = line[at];
  for (let i = at + 1; i < line.length; i++) {
    if (q === '"' && line[i] === "\\") i++;
    else if (line[i] === q) {
      if (q === "'" && line[i + 1] === "'") i++;
      else return true;
    }
  }
  return false;
}

function keysIn(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + keysIn(x), 0);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    let n = 0;
    for (const x of Object.values(v)) n += 1 + keysIn(x);
    return n;
  }
  return 0;
}

const BLOCK_SCALAR = /^[|>](?:[1-9][+-]?|[+-][1-9]?)?(?:\s+#.*)?\s*$/;

/** Mapping keys in the text, never fewer than there are; undefined when the scan cannot tell. */
export function keysInText(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let keys = 0;
  let quote: "'" | '"' | undefined;
  const flow: { map: boolean; colon: boolean; content: boolean }[] = [];
  let blockParent: number | undefined;
  let start = true;
  for (const line of lines) {
    let i = 0;
    if (blockParent !== undefined) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() === "" || indent > blockParent) continue;
      blockParent = undefined;
    }
    const block = !quote && flow.length === 0;
    if (block) {
      start = true;
      while (line[i] === " ") i++;
    }
    let nodeCol = i;
    let afterColon = false;
    for (; i < line.length; i++) {
      const c = line[i]!;
      const top = flow.at(-1);
      if (quote) {
        if (quote === '"' && c === "\\") i++;
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = undefined;
        }
        continue;
      }
      if (c === " ") continue;
      if (c === "#" && (i === 0 || line[i - 1] === " ")) break;
      if ((c === "'" || c === '"') && start) {
        quote = c;
        start = false;
        if (top) top.content = true;
        else {
          nodeCol = i;
          // a plain scalar's continuation line may begin with a quote that is only text
          if (!afterColon && !closesOnLine(line, i)) return undefined;
        }
        continue;
      }
      if (top && (c === "," || c === "]" || c === "}")) {
        if (top.map && top.content && !top.colon) keys++;
        if (c === ",") Object.assign(top, { colon: false, content: false });
        else flow.pop();
        start = true;
        continue;
      }
      if ((c === "[" || c === "{") && (start || top)) {
        if (top) top.content = true;
        flow.push({ map: c === "{", colon: false, content: false });
        start = true;
        continue;
      }
      const next = line[i + 1];
      if (c === "-" && start && !top && (next === undefined || next === " ")) {
        nodeCol = i;
        const rest = line.slice(i + 1).trim();
        if (BLOCK_SCALAR.test(rest)) blockParent = i;
        continue;
      }
      if (c === ":") {
        const prev = line[i - 1];
        const spaced = next === undefined || next === " " || (top !== undefined && ",[]{}".includes(next));
        // a collection as a key: Bun and the strict parser stringify it differently
        if (prev === "]" || prev === "}") return undefined;
        if (spaced || prev === '"' || prev === "'") {
          keys++;
          if (top) top.colon = true;
          else afterColon = true;
          start = true;
          if (!top && BLOCK_SCALAR.test(line.slice(i + 1).trim())) blockParent = nodeCol;
          continue;
        }
      }
      if (start && !top) nodeCol = i;
      start = false;
      if (top) top.content = true;
    }
  }
  if (quote || flow.length) return undefined;
  return keys;
}
