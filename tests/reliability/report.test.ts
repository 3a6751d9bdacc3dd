import { expect, test } from "bun:test";
import type { Figure } from "./lib/record.ts";
import { renderReport } from "./report.ts";

const fig = (f: Partial<Figure> & Pick<Figure, "key" | "kind" | "tries">): Figure => ({
  title: f.key,
  lost: 0,
  detail: "d",
  file: `tests/reliability/${f.key}.test.ts`,
  ...f,
});

test("RELIABILITY.md counts only real tries: a static scan's files and a canary's places searched are not tries", () => {
  const ci = new Map<string, Figure>([
    ["pull-kill-random", fig({ key: "pull-kill-random", kind: "fault", tries: 15 })],
    ["canary-secret", fig({ key: "canary-secret", kind: "security", tries: 10, checked: 55 })],
    ["no-eval", fig({ key: "no-eval", kind: "static", tries: 0, checked: 223 })],
  ]);
  const md = renderReport(ci, new Map());
  expect(md).toContain("CI totals: **25 tries, 0 lost**");
  expect(md).toContain("no-eval: 223 files checked, 0 hits");
  expect(md).not.toMatch(/\| no-eval \|/);
});
