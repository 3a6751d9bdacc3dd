/**
 * The house rules, read from the imports: the engine is the ground floor, its layers point down,
 * and nothing imports in a circle. Type-only and dynamic imports count: a cycle through a type
 * still means two files cannot be understood apart.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { Glob } from "bun";
import { repoRoot } from "./helpers.ts";

/** Floors of the code, lowest first: a file may import its own floor or a lower one. */
const FLOORS = ["engine", "connectors", "tools", "cli"] as const;
/** The engine's layers, lowest first; files at the engine's root are cross-cutting (errors, clock, log, secrets). */
const ENGINE_LAYERS = [
  "",
  "config",
  "warehouse",
  "ingest",
  "transform",
  "catalog",
  "deliver",
  "decide",
  "orchestrate",
] as const;

const SPEC = /(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const floor of FLOORS) {
    for (const file of new Glob(`${floor}/**/*.ts`).scanSync(repoRoot)) {
      const text = readFileSync(resolve(repoRoot, file), "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
      const deps = [...text.matchAll(SPEC)].map((m) =>
        relative(repoRoot, resolve(dirname(resolve(repoRoot, file)), m[1]!)),
      );
      graph.set(file, deps);
    }
  }
  return graph;
}

const floorOf = (file: string) => FLOORS.indexOf(file.split("/")[0] as (typeof FLOORS)[number]);
function layerOf(file: string): number {
  const parts = file.split("/");
  return parts.length === 2 ? 0 : ENGINE_LAYERS.indexOf(parts[1] as (typeof ENGINE_LAYERS)[number]);
}

/** Strongly connected components with more than one file (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("architecture", () => {
  const graph = importGraph();

  test("the graph covers the code", () => {
    expect([...graph.keys()].filter((f) => f.startsWith("engine/")).length).toBeGreaterThan(40);
    expect(graph.get("engine/ingest/pull.ts")).toContain("engine/ingest/connector-registry.ts");
  });

  test("a floor imports only its own floor or lower ones (engine < connectors < tools < cli)", () => {
    const up: string[] = [];
    for (const [file, deps] of graph) {
      for (const d of deps) if (floorOf(d) > floorOf(file)) up.push(`${file} → ${d}`);
    }
    expect(up).toEqual([]);
  });

  test("the engine's layers point down: config < warehouse < ingest < transform < catalog < deliver < decide < orchestrate", () => {
    const up: string[] = [];
    for (const [file, deps] of graph) {
      if (!file.startsWith("engine/")) continue;
      expect(layerOf(file)).toBeGreaterThanOrEqual(0);
      for (const d of deps) if (d.startsWith("engine/") && layerOf(d) > layerOf(file)) up.push(`${file} → ${d}`);
    }
    expect(up).toEqual([]);
  });

  test("no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("the checker sees a cycle and an upward import when there is one", () => {
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
    expect(floorOf("engine/x.ts")).toBeLessThan(floorOf("connectors/y.ts"));
    expect(layerOf("engine/ingest/pull.ts")).toBeLessThan(layerOf("engine/transform/build.ts"));
  });

  test("the README's architecture section names every engine layer and tools folder that exists, and no other", () => {
    const readme = readFileSync(resolve(repoRoot, "README.md"), "utf8");
    const start = readme.indexOf("## Architecture");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 3));
    const dirs = (folder: string) =>
      readdirSync(resolve(repoRoot, folder), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    const engineNamed = [...section.matchAll(/`engine\/([a-z-]+)\/`/g)].map((m) => m[1]!);
    expect(new Set(engineNamed)).toEqual(new Set(dirs("engine")));
    expect(new Set(engineNamed)).toEqual(new Set(ENGINE_LAYERS.slice(1)));
    for (const d of dirs("tools")) expect(section).toContain(`\`${d}/\``);
  });
});
