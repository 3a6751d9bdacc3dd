-- Money in per month and currency, by when it happened (UTC): succeeded charges created in the month
-- less refunds created in the month (a refund in October of a September charge lowers October), and
-- failed payments (each failed attempt is a charge, so every retry counts). Includes tax.
-- Same reporting_currency / fx_rates vars as the MRR marts.
-- The charges of excluded customers (int_stripe__excluded_customers), and refunds of those charges, are left out.
with excluded_charges as (
    select ch.charge_id
    from {{ ref('stg_stripe__charges') }} ch
    semi join {{ ref('int_stripe__excluded_customers') }} x using (customer_id)
),
movements as (
    select cast(date_trunc('month', created_at) as date) as month, currency, status, amount, 0 as refunded, 'charge' as kind
    from {{ ref('stg_stripe__charges') }}
    where charge_id not in (select charge_id from excluded_charges)
    union all
    select cast(date_trunc('month', created_at) as date), currency, status, 0, amount, 'refund'
    from {{ ref('stg_stripe__refunds') }}
    where status = 'succeeded' and (charge_id is null or charge_id not in (select charge_id from excluded_charges))
),
converted as (
    select m.month, m.kind, m.status, fx.reporting_currency as currency, fx.rate, m.amount, m.refunded
    from movements m
    join {{ ref('int_stripe__fx_rates') }} fx using (currency)
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
