-- MRR and its movements per month (and currency): MRR at the month's last second, the current month
-- to date. start_mrr is the previous month end's MRR; start + new + reactivation + expansion −
-- contraction − churned = MRR (tested). Customer counts come from the same month-end snapshots.
select
    month,
    currency,
    bool_or(is_month_to_date) as is_month_to_date,
    cast(sum(mrr) as decimal(18, 6)) as mrr,
    cast(12 * sum(mrr) as decimal(18, 6)) as arr,
    cast(sum(previous_mrr) as decimal(18, 6)) as start_mrr,
    cast(sum(new_mrr) as decimal(18, 6)) as new_mrr,
    cast(sum(reactivation_mrr) as decimal(18, 6)) as reactivation_mrr,
    cast(sum(expansion_mrr) as decimal(18, 6)) as expansion_mrr,
    cast(sum(contraction_mrr) as decimal(18, 6)) as contraction_mrr,
    cast(sum(churned_mrr) as decimal(18, 6)) as churned_mrr,
    cast(sum(mrr) - sum(previous_mrr) as decimal(18, 6)) as net_new_mrr,
    count(*) filter (where is_active) as active_customers,
    count(*) filter (where was_active) as customers_at_start,
    count(*) filter (where movement = 'new') as new_customers,
    count(*) filter (where movement = 'reactivation') as reactivated_customers,
    count(*) filter (where movement = 'expansion') as expanded_customers,
    count(*) filter (where movement = 'contraction') as contracted_customers,
    count(*) filter (where movement = 'churn') as churned_customers,
    cast(sum(mrr) / nullif(count(*) filter (where is_active), 0) as decimal(18, 6)) as arpa,
    count(*) filter (where movement = 'churn') / nullif(count(*) filter (where was_active), 0) as churn_rate,
    (sum(churned_mrr) + sum(contraction_mrr)) / nullif(sum(previous_mrr), 0) as revenue_churn_rate
from {{ ref('customer_mrr_monthly') }}
group by month, currency
