import type { Usage } from "./provider.ts";

/**
 * USD per million tokens. Configuration chosen for dp (list prices at the time of writing);
 * a model missing here is priced at the most expensive row, so a budget is never under-counted.
 */
export const PRICES_PER_MTOK: Record<string, { input: number; output: number }> = {
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-sonnet-4-6": { input: 3, output: 15 },
  "claude-opus-4-5": { input: 5, output: 25 },
  "claude-opus-4-1": { input: 15, output: 75 },
};

const FALLBACK = { input: 15, output: 75 };

export function priceOf(model: string): { input: number; output: number } {
  const exact = PRICES_PER_MTOK[model];
  if (exact) return exact;
  // dated snapshots ("claude-haiku-4-5-20251001") price like their alias
  const alias = Object.keys(PRICES_PER_MTOK).find((k) => model.startsWith(`${k}-`));
  return alias ? PRICES_PER_MTOK[alias]! : FALLBACK;
}

export function costUsd(model: string, usage: Usage): number {
  const p = priceOf(model);
  return (usage.input_tokens * p.input + usage.output_tokens * p.output) / 1_000_000;
}
