import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dp, repoRoot } from "../helpers.ts";

/** Flags every command takes; the README says so once above the table instead of in every row. */
const COMMON = new Set(["--project", "-C", "--json", "--log-format", "--help", "-h"]);

/** The README's command table: each usage cell (`dp catalog … / dp lineage MODEL / …`) split into commands. */
function readmeRows(): { path: string[]; flags: string[] }[] {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const rows: { path: string[]; flags: string[] }[] = [];
  for (const line of readme.split("\n")) {
    const cell = /^\| (`dp .*?`(?: \/ `dp .*?`)*) \|/.exec(line)?.[1];
    if (!cell) continue;
    for (const usage of cell.split(/` \/ `/)) {
      const text = usage.replaceAll("`", "").replaceAll("\\|", "|");
      const words = text.split(/\s+/).slice(1);
      const subs = words[1] && /^[a-z]+(\|[a-z]+)*$/.test(words[1]) ? words[1].split("|") : [undefined];
      const flags = [...text.matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)/g)].map((m) => m[1]!);
      for (const sub of subs) rows.push({ path: sub ? [words[0]!, sub] : [words[0]!], flags });
    }
  }
  return rows;
}

/** What `dp … --help` (the real binary) lists: its subcommands and its flags, aliases and `--no-` forms included. */
function helpPage(path: string[]): { commands: string[]; flags: Set<string>; groups: string[][]; text: string } {
  const r = dp([...path, "--help"]);
  expect(r.code).toBe(0);
  const section = (name: string) => {
    const m = new RegExp(`\\n${name}:\\n([\\s\\S]*?)(\\n\\n|$)`).exec(r.stdout);
    return m ? m[1]!.split("\n").filter((l) => l.trim()) : [];
  };
  const commands = section("Commands").map((l) => l.trim().split(/\s+/)[0]!);
  // one line per flag: its short alias, its name and its --no- form, then the description
  const groups = section("Flags").map((l) =>
    [
      ...l
        .trim()
        .split(/\s{2,}/)[0]!
        .matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)/g),
    ].map((m) => m[1]!),
  );
  return { commands, flags: new Set(groups.flat()), groups, text: r.stdout };
}

describe("the README's command table and the help pages agree", () => {
  const rows = readmeRows();
  const top = helpPage([]);

  test("every command in `dp --help` has a README row, and every README row names a command", () => {
    expect(top.commands.length).toBeGreaterThan(15);
    const documented = new Set(rows.map((r) => r.path[0]));
    expect(top.commands.filter((c) => !documented.has(c))).toEqual([]);
    expect([...documented].filter((c) => !top.commands.includes(c!))).toEqual([]);
  });

  test("every flag in a README row is on that command's help page, and every flag on the page is in its row", () => {
    const problems: string[] = [];
    for (const name of top.commands) {
      const page = helpPage([name]);
      const paths = page.commands.length ? page.commands.map((sub) => [name, sub]) : [[name]];
      for (const path of paths) {
        const help = path.length > 1 ? helpPage(path) : page;
        const inReadme = new Set(
          rows
            .filter((r) => r.path.join(" ") === path.join(" ") || (r.path.length === 1 && r.path[0] === path[0]))
            .flatMap((r) => r.flags),
        );
        for (const f of inReadme)
          if (!help.flags.has(f)) problems.push(`README: dp ${path.join(" ")} ${f}, not in its --help`);
        for (const group of help.groups)
          if (!group.some((f) => COMMON.has(f) || inReadme.has(f)))
            problems.push(`--help: dp ${path.join(" ")} ${group.join(", ")}, not in the README's row`);
        if (!/\nExamples:\n {2}dp /.test(help.text)) problems.push(`dp ${path.join(" ")} --help has no examples`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
