import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { repoRoot } from "../helpers.ts";
import { record, Tally } from "./lib/record.ts";

/**
 * No code path evaluates model output: product code never evaluates strings as code, and the
 * few processes it starts have fixed commands in files that cannot see model output (nothing
 * under tools/, where the model's words live, is in their import graph).
 */
const PRODUCT = ["engine", "connectors", "tools", "cli", "scripts"];
const DANGEROUS: [string, RegExp][] = [
  ["eval(", /(?<![\w.])eval\s*\(/],
  ["new Function(", /new\s+Function\s*\(/],
  ["Function(", /(?<![\w.])Function\s*\(\s*["'`]/],
  ["node:vm", /["'](?:node:)?vm["']/],
  ["child_process", /child_process/],
  ["Bun.spawn", /Bun\.spawn(?:Sync)?\s*\(/],
  ["Bun.$", /Bun\.\$|import\s*\{[^}]*\$[^}]*\}\s*from\s*["']bun["']/],
  ["exec", /(?<![\w.])exec(?:Sync|File|FileSync)?\s*\(/],
  ["dynamic import of a computed name", /\bimport\(\s*(?!["'`][^"'`$]*["'`]\s*\))/],
  ["new Worker", /new\s+Worker\s*\(/],
];
/** file → the commands it may start; each one fixed in the source */
const ALLOWED: Record<string, RegExp[]> = {
  "engine/orchestrate/crontab.ts": [/Bun\.spawnSync\(\["crontab", "-l"\]/, /Bun\.spawnSync\(\["crontab", "-"\]/],
  "connectors/webhook/receiver.ts": [/Bun\.spawn\(\[\.\.\.dpCommand\(\), "pull", \.\.\.this\.sources/],
  "scripts/test.ts": [/Bun\.spawn\(\["bun", "test"/],
  "scripts/demo.ts": [/Bun\.spawnSync\(\["bun", join\(root, "cli\/main\.ts"\)/],
  "scripts/build.ts": [/Bun\.spawnSync\(\["bun", join\(root, "scripts\/gen-demo-assets\.ts"\)/],
  "scripts/score-holdout.ts": [/Bun\.spawnSync\(\["git", "rev-parse", "--short", "HEAD"\]/],
};

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts") && !f.includes("node_modules") && !f.endsWith(".generated.ts"))
    .map((f) => join(dir, f));
}

/** Strip comments and string contents so prose like "never eval(" does not count. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

function localImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const p = resolve(dirname(file), m[1]!);
    out.push(existsSync(p) ? p : `${p}.ts`);
  }
  return out;
}

function importGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !existsSync(file)) return seen;
  seen.add(file);
  for (const f of localImports(file)) importGraph(f, seen);
  return seen;
}

describe("no code path evaluates model output", () => {
  test("no eval / new Function / vm / shell in product code; the few spawns are fixed commands outside the model's reach", () => {
    const tally = new Tally();
    const files = PRODUCT.flatMap((d) => tsFiles(join(repoRoot, d)));
    for (const file of files) {
      const rel = relative(repoRoot, file);
      const text = code(readFileSync(file, "utf8"));
      const lines = text.split("\n");
      for (const [name, re] of DANGEROUS) {
        for (const [i, line] of lines.entries()) {
          if (!re.test(line)) continue;
          const allowed = (ALLOWED[rel] ?? []).some((a) => a.test(line));
          tally.try(allowed, `${rel}:${i + 1}: ${name}: ${line.trim().slice(0, 120)}`);
        }
      }
      tally.try(true);
    }
    for (const rel of Object.keys(ALLOWED)) {
      const reach = [...importGraph(join(repoRoot, rel))].map((f) => relative(repoRoot, f));
      const modelSide = reach.filter((f) => f.startsWith("tools/"));
      tally.try(modelSide.length === 0, `${rel} can reach model output through ${modelSide.join(", ")}`);
    }
    record({
      key: "no-eval",
      kind: "static",
      title:
        "static check: eval, new Function, node:vm, child_process, shell, computed imports, workers in product code",
      // a scan tries no attack: the files it reads are reported as checked, never as tries
      tries: 0,
      checked: files.length,
      lost: tally.lost,
      detail: `${files.length} files in ${PRODUCT.join(", ")}; ${Object.keys(ALLOWED).length} files may start fixed commands and none of them imports tools/; lost = any other hit`,
      file: "tests/reliability/no-eval.test.ts",
    });
    expect(tally.examples).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });
});
