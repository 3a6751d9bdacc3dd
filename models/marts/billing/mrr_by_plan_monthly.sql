-- MRR per month, currency and plan (the product a price belongs to) at the month's last second, the
-- current month to date. A subscription's discounts are spread over its items pro rata, so the plans
-- of a month add up to its MRR. `customers` counts customers with MRR on the plan (a customer on two
-- plans counts in each). Same vars as customer_mrr_monthly.
with converted as (
    select m.month, m.customer_id, m.product_id, fx.reporting_currency as currency, cast(round(m.mrr * fx.rate, 6) as decimal(18, 6)) as mrr
    from {{ ref('int_stripe__subscription_mrr') }} m
    join {{ ref('int_stripe__fx_rates') }} fx using (currency)
    where {{ var('past_due_counts_in_mrr', true) }} or not m.is_past_due
)
select
    c.month,
    c.currency,
    c.product_id as plan_id,
    coalesce(p.product_name, c.product_id) as plan,
    me.is_current as is_month_to_date,
    cast(round(sum(c.mrr), 6) as decimal(18, 6)) as mrr,
    cast(round(12 * sum(c.mrr), 6) as decimal(18, 6)) as arr,
    count(distinct c.customer_id) filter (where c.mrr > 0) as customers
from converted c
join {{ ref('int_stripe__month_ends') }} me using (month)
left join {{ ref('stg_stripe__products') }} p on p.product_id = c.product_id
group by all
having sum(c.mrr) > 0
