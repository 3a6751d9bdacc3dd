-- Each deal currency (deal_currency_code, upper case) and what one unit of it is worth in the
-- currency the sales marts report in: vars.reporting_currency (default none: every currency is
-- reported as itself, rate 1) and vars.fx_rates (units of the reporting currency per unit, e.g.
-- { eur: 1.08 }), the vars the Stripe pack converts with. A currency with no rate fails the build
-- here, by name, rather than being left out of a total. Deals without a currency code are not here:
-- the marts keep them apart as '(unknown currency)', never converted and never shown as dollars.
with settings as (
    select
        upper({{ var('reporting_currency', none) }}) as reporting_currency,
        {{ var('fx_rates', {}) }} as fx_rates
),
currencies as (
    select distinct currency from {{ ref('stg_hubspot__deals') }} where currency is not null
)
select
    c.currency,
    coalesce(s.reporting_currency, c.currency) as reporting_currency,
    case
        when s.reporting_currency is null or c.currency = s.reporting_currency then 1.0
        else cast(coalesce(
            s.fx_rates[lower(c.currency)],
            s.fx_rates[c.currency],
            error('no rate for ' || c.currency || ' in vars.fx_rates (reporting_currency is ' || s.reporting_currency || ')')
        ) as double)
    end as rate
from currencies c, settings s
