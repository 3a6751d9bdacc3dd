/**
 * The shape of a formula said in the question, as the plan carries it to the answer (formula.ts reads it,
 * tools/ask/compose.ts computes it): its own module so the reading's type (understand.ts) names it without importing
 * the reader.
 */
export type FormulaNode =
  | { leaf: number }
  | { constant: number; said: string }
  | { op: "+" | "-" | "*" | "/" | "^"; left: FormulaNode; right: FormulaNode }
  /** rounded up to a whole number: customers needed (what-if.ts) */
  | { up: FormulaNode };

/** What the answer needs to compute and state the formula: the tree over the calls (leaf i is call i). */
export interface FormulaReading {
  tree: FormulaNode;
  /** the formula as said, leaves named: "ARPA ÷ customer churn rate" */
  said: string;
  /** the name the question gives it ("LTV"), when it gives one */
  name?: string;
  /** the result's unit: an amount, a count, a rate, or a plain ratio (shown as a percentage when `percent`) */
  unit: "currency" | "number" | "percent" | "ratio";
  percent: boolean;
}
