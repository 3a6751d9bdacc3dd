import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CHURN_YML, decisionProject } from "../engine/decide/decision-project.ts";
import { dp } from "../helpers.ts";

/** A decision file is the authority map written down: one missing or wrong field, and nothing runs (exit 2). */
/** 1-based line of the first line that is `needle` or starts with it followed by a space or ':' */
const lineOf = (text: string, needle: string) =>
  text.split("\n").findIndex((l) => l === needle || l.startsWith(`${needle}:`) || l.startsWith(`${needle} `)) + 1;
const without = (needle: string) =>
  CHURN_YML.split("\n")
    .filter((l) => !l.startsWith(needle))
    .join("\n");

const MISSING: [string, string, string][] = [
  ["input", without("input:"), "input"],
  ["key", without("key:"), "key"],
  ["context", without("context:"), "context"],
  ["question", without("question:"), "question"],
  ["threshold", without("threshold:"), "threshold"],
  ["owner", without("owner:"), "owner"],
  ["budget", without("budget:"), "budget"],
  ["budget.usd", CHURN_YML.replace("budget: { usd: 1, rows: 100 }", "budget: { rows: 100 }"), "budget.usd"],
  ["budget.rows", CHURN_YML.replace("budget: { usd: 1, rows: 100 }", "budget: { usd: 1 }"), "budget.rows"],
  [
    "a label's authority",
    CHURN_YML.replace("  medium:\n    authority: recommend\n", "  medium:\n    description: watch\n"),
    "labels.medium.authority",
  ],
];

describe("decision files are validated before anything runs", () => {
  for (const [what, text, key] of MISSING) {
    test(`missing ${what}: exit 2 naming decisions/churn.yml:LINE and ${key}`, () => {
      const dir = decisionProject({ "decisions/churn.yml": text });
      const r = dp(["authority", "-C", dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`missing required key ${key}`);
      expect(r.stderr).toMatch(/at decisions\/churn\.yml:\d+/);
    });
  }

  test("the line is the key's own when it exists: a wrong authority, a typo'd key", () => {
    const bad = CHURN_YML.replace("  medium:\n    authority: recommend", "  medium:\n    authority: auto");
    const r = dp(["authority", "-C", decisionProject({ "decisions/churn.yml": bad })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("invalid value at labels.medium.authority");
    expect(r.stderr).toContain(`at decisions/churn.yml:${lineOf(bad, "    authority: auto")}`);
    const typo = CHURN_YML.replace("threshold: 0.7", "treshold: 0.7");
    const t = dp(["authority", "-C", decisionProject({ "decisions/churn.yml": typo })]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain("unknown key treshold");
    expect(t.stderr).toContain(`at decisions/churn.yml:${lineOf(typo, "treshold")}`);
    expect(lineOf(typo, "treshold")).toBeGreaterThan(1);
  });

  test("labels that do not add up: a rule naming no label, an act on a human_required label, one label", () => {
    const cases: [string, string][] = [
      [
        CHURN_YML.replace("label: exec_review, confidence: 0.9", "label: exec, confidence: 0.9"),
        'rules[0].label "exec" is not a label',
      ],
      [
        CHURN_YML.replace(
          "    authority: human_required",
          "    authority: human_required\n    act: { tool: notify, input: { to: outbox/x.jsonl, text: hi } }",
        ),
        "it cannot have an act",
      ],
      [
        CHURN_YML.replace("  - expression", "").replace(
          /labels:[\s\S]*?model:/,
          "labels:\n  high: { authority: recommend }\nmodel:",
        ),
        "name at least two labels",
      ],
    ];
    for (const [text, message] of cases) {
      const r = dp(["authority", "-C", decisionProject({ "decisions/churn.yml": text })]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  test("dp run refuses a bad decision file before it pulls anything", () => {
    const dir = decisionProject({ "decisions/churn.yml": without("owner:") });
    const r = dp(["run", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required key owner");
    expect(existsSync(join(dir, "lake/raw"))).toBe(false);
  });

  test("an act tool that does not act is refused when the decision runs, naming its line", () => {
    const bad = CHURN_YML.replace("      tool: notify", "      tool: top_n");
    const dir = decisionProject({ "decisions/churn.yml": bad });
    const r = dp(["run", "-C", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('churn failed: labels.high.act.tool "top_n" is not a tool that acts');
    expect(r.stdout).toContain(`at decisions/churn.yml:${lineOf(bad, "      tool: top_n")}`);
    expect(r.stdout).toContain("fix: use one of: export_mart, notify");
  });
});
