import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { parseDocument } from "yaml";
import { loadModels } from "../../../engine/transform/models.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { fastYaml } from "../../../engine/config/yaml-fast.ts";
import { YamlFile } from "../../../engine/config/yaml-file.ts";
import { repoRoot, writeProject } from "../../helpers.ts";

/** What the strict parser (dp's reference) makes of the text: its value, or that it refuses it. */
function strict(text: string): { ok: true; data: unknown } | { ok: false } {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) return { ok: false };
  try {
    return { ok: true, data: doc.toJS() };
  } catch {
    return { ok: false };
  }
}

const AGREE = [
  "a: yes\nb: on\nc: 010\nd: 0o17\ne: 2024-01-01\nf: ~\ng: .inf\nh: 0x1F\ni: 1_000\nj: Yes\nk: NO\nl: 12345678901234567890\nm: 1e3\n",
  "a: .nan\nb: -.inf\nc: +12\nd: 1.\ne: .5\nf: -0\ng: 12:30:00\nh: 2001-12-14t21:59:43.10-05:00\ni: y\nk: True\nn: Null\no: '~'\np:\nq: =\nr: 0b101\nx: 0777\n",
  "a: \"\\x41\\N\\_\\t\\u263A\"\nb: 'x''y'\nc: \"multi\n  line\n\n  para\"\nd: plain\n  multi\n\n  line\n",
  "a: |+\n  x\n\nb: |-\n  y\n\n\nc: >\n  p\n   indented\n  q\n\nd: >+\n  z\n\n",
  "k: [a, b, {c: 1, d}, [e]]\nl: {a:b}\nm: {\"a\":1, 'b':2}\nn: [a: 1, b]\n",
  "k: [\n  a,\n  'b, ]',\n  {c: 1}\n]\n",
  "- a\n- b: 1\n  c: 2\n- - x\n  - y\n",
  "x: a # c: d\ny: 'it''s: #'\nurl: http://x.com/a?b=c\n",
  "desc: this is\n  'quoted' text\n",
  "- name: a\n  tests: [not_null, { accepted_values: { values: [a, b] } }]\n",
];

const DUPLICATES = [
  "a: 1\na: 2\n",
  "x: {a: 1, a: 2}\n",
  "x: {a, a}\n",
  "\"a\": 1\n'a': 2\n",
  "- name: x\n  name: y\n",
  "models:\n  - name: x\n    description: |\n      foo: bar\n    name: y\n",
  "a:\n  b: 1\n  c: |\n    x\n  b: 2\n",
  'x: {"a":1,"a":2}\n',
  '- "k": |\n    x\n  k: 2\n',
  "x:\n  - a: 1\n    a: 2\n",
];

describe("Bun's YAML parser is used only where it agrees with the strict one", () => {
  test("plain YAML takes the fast path with the same value", () => {
    for (const text of AGREE) {
      const fast = fastYaml(text);
      expect(fast.ok).toBe(true);
      expect(fast.ok && fast.data).toEqual((strict(text) as { data: unknown }).data);
    }
  });

  test("a duplicate key never takes the fast path (Bun keeps the last one)", () => {
    for (const text of DUPLICATES) {
      expect(strict(text).ok).toBe(false);
      expect(fastYaml(text).ok).toBe(false);
    }
  });

  test("merges, anchors, tags, several documents and collection keys go to the strict parser", () => {
    for (const text of [
      "b: &b {x: 1}\nc:\n  <<: *b\n",
      "a: !!str 5\n",
      "a: 1\n---\nb: 2\n",
      "[a, b]: 1\n",
      "? a\n: 1\n",
      "null: 1\n",
    ]) {
      expect(fastYaml(text).ok).toBe(false);
    }
  });

  test("every YAML file in the repository parses to the same value either way", () => {
    const root = repoRoot;
    const paths = ["project.yaml", "evals/*.yaml", "models/**/*.yml"].flatMap((g) => [
      ...new Glob(g).scanSync({ cwd: root }),
    ]);
    expect(paths.length).toBeGreaterThan(5);
    let fastPaths = 0;
    for (const path of paths) {
      const text = readFileSync(join(root, path), "utf8");
      const fast = fastYaml(text);
      const reference = strict(text);
      if (fast.ok) expect({ path, data: fast.data }).toEqual({ path, data: (reference as { data: unknown }).data });
      if (fast.ok) fastPaths++;
    }
    // the demo's own files are the common case: they must not fall back
    expect(fastPaths).toBe(paths.length);
  });

  test("syntax errors keep the strict parser's message and line", () => {
    expect(() => YamlFile.parse("a:\n  - b\n c: 1\n", "x.yml")).toThrow(
      "invalid YAML: All mapping items must start at the same column",
    );
    try {
      YamlFile.parse("a: 1\nb: 2\na: 3\n", "x.yml");
      throw new Error("accepted a duplicate key");
    } catch (e) {
      expect((e as Error).message).toContain("invalid YAML: Map keys must be unique");
      expect((e as { where?: string }).where).toBe("x.yml:3:1");
    }
  });
});

describe("model YAML: positions are computed only when needed, and still exact", () => {
  const sql = { "models/staging/a.sql": "select 1 as id\n", "models/marts/b.sql": "select * from {{ ref('a') }}\n" };

  test("a duplicate key in a model file is refused with file:line", () => {
    const dir = writeProject({
      "project.yaml": "name: t\n",
      ...sql,
      "models/marts/b.yml": "models:\n  - name: b\n    description: one\n    description: two\n",
    });
    expect(() => loadModels(loadProject(dir))).toThrow("invalid YAML: Map keys must be unique");
    try {
      loadModels(loadProject(dir));
    } catch (e) {
      expect((e as { where?: string }).where).toBe("models/marts/b.yml:4:5");
    }
  });

  test("yamlWhere, metricWhere and a unit test's where name the entry's line", () => {
    const yml = [
      "models:",
      "  - name: a",
      "  - name: b",
      "metrics:",
      "  - name: n",
      "    description: d",
      "    mart: b",
      "    expression: count(*)",
      "    time_column: id",
      "unit_tests:",
      "  - name: u",
      "    model: b",
      "    given: [{ input: \"ref('a')\", rows: [{ id: 1 }] }]",
      "    expect: { rows: [{ id: 1 }] }",
      "",
    ].join("\n");
    const dir = writeProject({ "project.yaml": "name: t\n", ...sql, "models/marts/m.yml": yml });
    const graph = loadModels(loadProject(dir));
    expect(graph.models.get("a")!.yamlWhere).toBe("models/marts/m.yml:2");
    expect(graph.models.get("b")!.yamlWhere).toBe("models/marts/m.yml:3");
    expect(graph.metricWhere("n")).toBe("models/marts/m.yml:5");
    expect(graph.unitTests[0]!.where).toBe("models/marts/m.yml:11");
  });
});
