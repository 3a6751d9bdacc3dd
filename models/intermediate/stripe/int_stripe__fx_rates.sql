-- What one unit of each currency in the account is worth in the currency amounts are reported in.
-- vars.reporting_currency (default none: every currency is reported as itself, rate 1) and
-- vars.fx_rates (units of the reporting currency per unit, e.g. { eur: 1.08 }); a currency with no
-- rate fails the build here, by name, rather than being left out of a total.
with settings as (
    select
        lower({{ var('reporting_currency', none) }}) as reporting_currency,
        {{ var('fx_rates', {}) }} as fx_rates
),
currencies as (
    select currency from {{ ref('stg_stripe__subscriptions') }}
    union
    select currency from {{ ref('stg_stripe__charges') }}
    union
    select currency from {{ ref('stg_stripe__refunds') }}
)
select
    c.currency,
    coalesce(s.reporting_currency, c.currency) as reporting_currency,
    case
        when s.reporting_currency is null or c.currency = s.reporting_currency then 1.0
        else cast(coalesce(
            s.fx_rates[c.currency],
            s.fx_rates[upper(c.currency)],
            error('no rate for ' || c.currency || ' in vars.fx_rates (reporting_currency is ' || s.reporting_currency || ')')
        ) as double)
    end as rate
from currencies c, settings s
where c.currency is not null
