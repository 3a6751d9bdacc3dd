-- Money in per month and currency, by when it happened (UTC): succeeded charges created in the month
-- less refunds created in the month (a refund in October of a September charge lowers October), and
-- failed payments (each failed attempt is a charge, so every retry counts). Includes tax.
-- Same reporting_currency / fx_rates vars as the MRR marts.
with settings as (
    select {{ var('reporting_currency', none) }} as reporting_currency, {{ var('fx_rates', {}) }} as fx_rates
),
movements as (
    select cast(date_trunc('month', created_at) as date) as month, currency, status, amount, 0 as refunded, 'charge' as kind
    from {{ ref('stg_stripe__charges') }}
    union all
    select cast(date_trunc('month', created_at) as date), currency, status, 0, amount, 'refund'
    from {{ ref('stg_stripe__refunds') }}
    where status = 'succeeded'
),
converted as (
    select
        month,
        kind,
        status,
        coalesce(settings.reporting_currency, currency) as currency,
        case
            when settings.reporting_currency is null or currency = settings.reporting_currency then 1
            else coalesce(settings.fx_rates[currency], error('no rate for ' || currency || ' in vars.fx_rates (reporting_currency is ' || settings.reporting_currency || ')'))
        end as rate,
        amount,
        refunded
    from movements, settings
)
select
    month,
    currency,
    cast(coalesce(sum(amount * rate) filter (where kind = 'charge' and status = 'succeeded'), 0) as decimal(18, 4)) as charges_succeeded,
    cast(coalesce(sum(refunded * rate) filter (where kind = 'refund'), 0) as decimal(18, 4)) as refunds,
    cast(
        coalesce(sum(amount * rate) filter (where kind = 'charge' and status = 'succeeded'), 0)
        - coalesce(sum(refunded * rate) filter (where kind = 'refund'), 0)
        as decimal(18, 4)
    ) as revenue_collected,
    count(*) filter (where kind = 'charge' and status = 'failed') as failed_payments,
    cast(coalesce(sum(amount * rate) filter (where kind = 'charge' and status = 'failed'), 0) as decimal(18, 4)) as failed_payments_amount,
    count(*) filter (where kind = 'charge' and status = 'succeeded') as successful_payments
from converted
group by month, currency
