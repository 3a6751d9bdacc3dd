-- Churn and retention by month, measured on the customers paying at the start of the month.
with months as (
    select cast(unnest(generate_series(
        date_trunc('month', min(valid_from)),
        date_trunc('month', max(loaded_at)),
        interval 1 month)) as date) as month
    from {{ ref('stg_billing__subscription_history') }}
),
by_month as (
    select
        month,
        count(*) filter (where previous_mrr > 0) as customers_at_start,
        count(*) filter (where movement = 'churn') as churned_customers,
        count(*) filter (where movement = 'new') as new_customers,
        count(*) filter (where movement = 'reactivation') as reactivated_customers,
        count(*) filter (where mrr > 0) as customers_at_end,
        sum(previous_mrr) as mrr_at_start,
        sum(mrr) as mrr_at_end,
        sum(churned_mrr) as churned_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(new_mrr) as new_mrr,
        sum(reactivation_mrr) as reactivation_mrr
    from {{ ref('customer_mrr_monthly') }}
    group by month
)
select
    m.month,
    coalesce(b.customers_at_start, 0) as customers_at_start,
    coalesce(b.churned_customers, 0) as churned_customers,
    coalesce(b.new_customers, 0) as new_customers,
    coalesce(b.reactivated_customers, 0) as reactivated_customers,
    coalesce(b.customers_at_end, 0) as customers_at_end,
    round(b.churned_customers / nullif(b.customers_at_start, 0), 4) as churn_rate,
    cast(coalesce(b.mrr_at_start, 0) as decimal(14, 2)) as mrr_at_start,
    cast(coalesce(b.mrr_at_end, 0) as decimal(14, 2)) as mrr_at_end,
    cast(coalesce(b.churned_mrr, 0) as decimal(14, 2)) as churned_mrr,
    cast(coalesce(b.expansion_mrr, 0) as decimal(14, 2)) as expansion_mrr,
    cast(coalesce(b.contraction_mrr, 0) as decimal(14, 2)) as contraction_mrr,
    cast(coalesce(b.new_mrr, 0) as decimal(14, 2)) as new_mrr,
    cast(coalesce(b.reactivation_mrr, 0) as decimal(14, 2)) as reactivation_mrr,
    round((b.churned_mrr + b.contraction_mrr) / nullif(b.mrr_at_start, 0), 4) as revenue_churn_rate,
    round((b.mrr_at_start + b.expansion_mrr - b.contraction_mrr - b.churned_mrr) / nullif(b.mrr_at_start, 0), 4) as net_revenue_retention
from months m
left join by_month b on b.month = m.month
