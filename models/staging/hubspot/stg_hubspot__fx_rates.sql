-- Each deal currency (deal_currency_code, upper case) and what one unit of it is worth in the
-- currency the sales marts report in: vars.reporting_currency (default none: every currency is
-- reported as itself, rate 1) and vars.fx_rates (units of the reporting currency per unit, e.g.
-- { eur: 1.08 }), the vars the Stripe pack converts with. A currency with no rate fails the build
-- here, by name, rather than being left out of a total. A deal without a currency code is in the
-- portal's company currency: the one HubSpot's account settings name (stg_hubspot__account), else
-- vars.hubspot_company_currency; with neither it is not here, and the marts keep it apart as
-- '(unknown currency)', never converted and never shown as dollars. The marts join on deal_currency
-- (null for no code); currency_source says where each currency came from.
with settings as (
    select
        upper({{ var('reporting_currency', none) }}) as reporting_currency,
        {{ var('fx_rates', {}) }} as fx_rates,
        upper({{ var('hubspot_company_currency', none) }}) as var_currency,
        (select company_currency from {{ ref('stg_hubspot__account') }}) as account_currency
),
currencies as (
    select distinct
        d.currency as deal_currency,
        coalesce(d.currency, s.account_currency, s.var_currency) as currency,
        case
            when d.currency is not null then 'deal_currency_code'
            when s.account_currency is not null then 'hubspot account company currency'
            when s.var_currency is not null then 'vars.hubspot_company_currency'
        end as currency_source
    from {{ ref('stg_hubspot__deals') }} d, settings s
)
select
    c.deal_currency,
    c.currency,
    c.currency_source,
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
where c.currency is not null
