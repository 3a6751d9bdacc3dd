import type { AskStatus } from "../ask/offline-answer.ts";
import { statedNumbers, type StatedNumber, type StatedUnit } from "./text-numbers.ts";
import type { Tolerance } from "./schema.ts";

/**
 * `answered_refusable`: a refuse or ask-back case answered without stating a number ("there is no churn data for
 * 2024"): not a pass, and not a wrong number either: issue #15's bar counts numbers stated for another question.
 */
export type Outcome =
  | "correct"
  | "correct_refusal"
  | "wrong_number"
  | "answered_refusable"
  | "refused_answerable"
  | "error";
export type ExpectedUnit = "money" | "percent" | "count" | "number" | "days";

export interface TextExpect {
  answer: "value" | "text" | "refuse" | "clarify";
  unit?: ExpectedUnit;
  tolerance?: Tolerance;
}

export interface Scored {
  outcome: Outcome;
  /** the stated number or name that decided it, for the report */
  actual: string;
  why: string;
}

const fits: Record<ExpectedUnit, StatedUnit[]> = {
  money: ["money"],
  percent: ["percent"],
  count: ["number"],
  number: ["number"],
  days: ["days", "number"],
};

/** Within the number's own rounding ("3.5%" covers 3.45–3.55%) plus the case's tolerance. */
export function matches(stated: StatedNumber, expected: number, tolerance: Tolerance | undefined): boolean {
  const extra =
    tolerance === undefined
      ? 0
      : typeof tolerance === "number"
        ? tolerance
        : (Math.abs(expected) * Number(tolerance.slice(0, -1))) / 100;
  return Math.abs(stated.value - expected) <= stated.precision + extra + 1e-9;
}

/**
 * A refusal that quotes the asker's own words back ("I can't place "50k"") states no value: a quoted span found word
 * for word in the question is left out of the numbers read. Anything else quoted still counts.
 */
export function unquoted(text: string, question: string | undefined): string {
  if (!question) return text;
  const q = question.toLowerCase();
  return text.replace(/"([^"\n]{1,200})"/g, (whole, inner: string) =>
    q.includes(inner.toLowerCase()) ? " ".repeat(whole.length) : whole,
  );
}

function refused(status: AskStatus): boolean {
  return status === "refused" || status === "needs_approval";
}

/**
 * Score one answer the way a reader would: the numbers stated in its text against the value the
 * eval's SQL computed. Never the tool the planner chose.
 */
export function scoreAnswer(
  expect: TextExpect,
  expected: unknown,
  answer: { status: AskStatus; text: string },
  question?: string,
): Scored {
  const stated = statedNumbers(refused(answer.status) ? unquoted(answer.text, question) : answer.text);
  const first = stated[0]?.text ?? "";
  if (answer.status === "failed") return { outcome: "error", actual: "failed", why: answer.text.split("\n")[0] ?? "" };
  if (expect.answer === "refuse" || expect.answer === "clarify") {
    if (refused(answer.status) && !stated.length) return { outcome: "correct_refusal", actual: "refused", why: "" };
    if (stated.length)
      return {
        outcome: "wrong_number",
        actual: first,
        why: `stated ${first} instead of ${expect.answer === "refuse" ? "refusing" : "asking back"}`,
      };
    return {
      outcome: "answered_refusable",
      actual: answer.status,
      why: `answered, with no number, instead of ${expect.answer === "refuse" ? "refusing" : "asking back"}`,
    };
  }
  if (refused(answer.status))
    return { outcome: "refused_answerable", actual: "refused", why: answer.text.split("\n")[0] ?? "" };
  if (expected === null || expected === undefined)
    return { outcome: "error", actual: "", why: "the eval's SQL returned no value" };
  // a text case whose SQL gives a number ("how has ARPA trended": the series' end) is named by a stated number of
  // its unit at the number's own rounding ("$103.35" names 103.348878), never by the digits of its string
  const numeric =
    typeof expected === "number"
      ? expected
      : typeof expected === "string" && /^\s*-?\d+(?:\.\d+)?\s*$/.test(expected)
        ? Number(expected)
        : undefined;
  if (expect.answer === "text" && numeric !== undefined) {
    const claimed = statedNumbers(
      answer.text
        .split("\n")
        .filter((line) => !/^\s+next:/.test(line))
        .join("\n"),
    ).filter((s) => fits[expect.unit ?? "number"].includes(s.unit));
    const hit = claimed.find((s) => matches(s, numeric, expect.tolerance));
    if (hit) return { outcome: "correct", actual: hit.text, why: "" };
    return { outcome: "wrong_number", actual: first || "(no number)", why: `the answer does not name ${numeric}` };
  }
  if (expect.answer === "text") {
    const name = String(expected);
    // the runner-up line ("  next: Pro ($9,140), of 4 plans") is not the answer: a wrong leader with the expected
    // name in second place is a wrong answer
    const claimed = answer.text
      .split("\n")
      .filter((line) => !/^\s+next:/.test(line))
      .join("\n");
    if (claimed.toLowerCase().includes(name.toLowerCase())) return { outcome: "correct", actual: name, why: "" };
    return { outcome: "wrong_number", actual: first || "(no name)", why: `the answer does not name ${name}` };
  }
  const want = Number(expected);
  if (!Number.isFinite(want))
    return { outcome: "error", actual: "", why: `the eval's SQL returned ${String(expected)}, not a number` };
  const unit = expect.unit ?? "number";
  const ofUnit = stated.filter((s) => fits[unit].includes(s.unit));
  const hit = ofUnit.find((s) => matches(s, want, expect.tolerance));
  if (hit) return { outcome: "correct", actual: hit.text, why: "" };
  const shown = unit === "percent" ? `${(want * 100).toFixed(2)}%` : String(Number(want.toPrecision(8)));
  if (ofUnit.length)
    return {
      outcome: "wrong_number",
      actual: ofUnit[0]!.text,
      why: `stated ${ofUnit.map((s) => s.text).join(", ")}; expected ${shown}`,
    };
  if (stated.length)
    return {
      outcome: "wrong_number",
      actual: first,
      why: `no ${unit} stated (stated ${stated.map((s) => s.text).join(", ")}); expected ${shown}`,
    };
  return { outcome: "error", actual: "(no number)", why: `no number stated; expected ${shown}` };
}
