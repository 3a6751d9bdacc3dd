import type { Catalog } from "../engine/catalog/catalog.ts";

/**
 * project.yaml's `vars.reporting_currency` and `vars.fx_rates` (units of the reporting currency per unit of
 * another), which the Stripe pack's marts convert every amount with (int_stripe__fx_rates). Codes upper case.
 */
export interface Fx {
  to: string;
  rates: Map<string, number>;
}

export function fxOf(vars: Record<string, unknown> | undefined): Fx | null {
  const to = vars?.reporting_currency;
  if (typeof to !== "string" || !to) return null;
  const rates = new Map<string, number>();
  const given = vars?.fx_rates;
  if (given && typeof given === "object")
    for (const [code, rate] of Object.entries(given)) {
      const n = Number(rate);
      if (Number.isFinite(n) && n > 0) rates.set(code.toUpperCase(), n);
    }
  return { to: to.toUpperCase(), rates };
}

/** The rate of `code` into the reporting currency: 1 for the reporting currency itself, null when none is given. */
export function rateOf(fx: Fx, code: string): number | null {
  const c = code.toUpperCase();
  return c === fx.to ? 1 : (fx.rates.get(c) ?? null);
}

// codes a founder may ask in that are never English words (so "MRR in GBP" is placed, and told it has no rate)
const COMMON_CODES = ["usd", "eur", "gbp", "cad", "aud", "nzd", "jpy", "chf", "sek", "dkk", "inr", "brl", "mxn", "sgd"];

/**
 * With amounts converted to one reporting currency the marts hold no other currency, so the planner could not
 * place "MRR in EUR": offer the currency columns the reporting currency, every fx_rates code and the common
 * codes as values, so the question reaches query_metric, which answers in that currency or says why not.
 */
export function addCurrencyValues(catalog: Catalog, fx: Fx | null): void {
  if (!fx || !catalog.dimensionValues) return;
  const codes = [fx.to, ...fx.rates.keys()].map((c) => c.toLowerCase());
  for (const metric of catalog.metrics) {
    if (!metric.currency_column) continue;
    const key = `${metric.mart}.${metric.currency_column}`;
    const have = catalog.dimensionValues.get(key) ?? [];
    const lower = new Set(have.map((v) => v.toLowerCase()));
    const extra = [...codes, ...COMMON_CODES].filter((c) => !lower.has(c) && lower.add(c));
    catalog.dimensionValues.set(key, [...have, ...extra]);
  }
}
