import type { Decider } from "../../engine/decide/decider.ts";

/**
 * Decides without a model, deterministically: the answer is the decision file's first matching rule
 * (evaluated by DuckDB on the input row, its reason filled from the row). So `dp run` decides without
 * a key; a row no rule matches is a failed row, never a guess.
 */
export const offlineDecider: Decider = {
  name: "offline",
  fingerprint: (decision) => JSON.stringify({ rules: decision.rules, labels: Object.keys(decision.labels) }),
  maxCostUsd: () => 0,
  async decide(request) {
    const spent = { model: "rules", usage: { input_tokens: 0, output_tokens: 0 }, costUsd: 0, attempts: 0 };
    const b = request.baseline;
    if (!b)
      return {
        ok: false,
        error:
          'no rule of the decision file matches this row (add a last rule with when: "true", or set ANTHROPIC_API_KEY)',
        ...spent,
      };
    return { ok: true, label: b.label, confidence: b.confidence, reason: b.reason, ...spent };
  },
};
