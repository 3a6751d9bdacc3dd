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

// a currency said by name ("MRR in euros"); dollars are left out: US, Canadian, Australian…
const NAMES: Record<string, string[]> = {
  eur: ["euro", "euros"],
  gbp: ["pound sterling", "pounds sterling", "sterling"],
};

/**
 * With amounts converted to one reporting currency the marts hold no other currency, so the planner could not
 * place "MRR in EUR": offer the currency columns the reporting currency, every fx_rates code and the common
 * codes as values, so the question reaches query_metric, which answers in that currency or says why not.
 * Either way a currency the column offers can be said by name (value_synonyms: "euros" is eur).
 */
export function addCurrencyValues(catalog: Catalog, fx: Fx | null): void {
  if (!catalog.dimensionValues) return;
  const codes = fx ? [fx.to, ...fx.rates.keys(), ...COMMON_CODES.map((c) => c.toUpperCase())] : [];
  for (const metric of catalog.metrics) {
    if (!metric.currency_column) continue;
    const key = `${metric.mart}.${metric.currency_column}`;
    const have = catalog.dimensionValues.get(key) ?? [];
    const lower = new Set(have.map((v) => v.toLowerCase()));
    const extra = codes.map((c) => c.toLowerCase()).filter((c) => !lower.has(c) && lower.add(c));
    const values = [...have, ...extra];
    catalog.dimensionValues.set(key, values);
    const column = catalog.models.get(metric.mart)?.columns.find((c) => c.name === metric.currency_column);
    if (!column) continue;
    for (const v of values)
      for (const name of NAMES[v.toLowerCase()] ?? [])
        if (!column.value_synonyms?.[name]) column.value_synonyms = { ...column.value_synonyms, [name]: [v] };
  }
}
