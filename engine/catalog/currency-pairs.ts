/** One currency's value in a period and in the period it is compared with. */
export interface CurrencyPair {
  currency: string;
  current: number | null;
  previous: number | null;
}

/**
 * Each currency compared with itself over two periods (dollars and euros are never added up). A currency with
 * no rows in a period that has rows in other currencies holds 0 there for a sum or a stock (no deal won in EUR
 * in September is €0 won, not "n/a"), and no value for a ratio (no EUR deal to average). A currency with
 * nothing in either period (no value, or 0, in both) says nothing and is left out, unless every currency is.
 */
export function currencyPairs(
  codes: string[],
  read: (code: string, period: "current" | "previous") => number | null,
  has: { current: boolean; previous: boolean; ratio: boolean },
): CurrencyPair[] {
  const value = (code: string, period: "current" | "previous") =>
    read(code, period) ?? (has[period] && !has.ratio ? 0 : null);
  const pairs = codes.map((currency) => ({
    currency,
    current: value(currency, "current"),
    previous: value(currency, "previous"),
  }));
  const said = pairs.filter((p) => !!p.current || !!p.previous);
  return said.length ? said : pairs;
}
