-- MRR and its movements by month and plan. A customer counts under the plan they are on at
-- month end (churned customers under the plan they left).
with months as (
    select cast(unnest(generate_series(
        date_trunc('month', min(valid_from)),
        date_trunc('month', max(loaded_at)),
        interval 1 month)) as date) as month
    from {{ ref('stg_billing__subscription_history') }}
),
grid as (
    select m.month, p.plan_id, p.plan_name, p.plan_tier, p.billing_interval
    from months m
    cross join {{ ref('stg_billing__plans') }} p
),
movements as (
    select
        month,
        plan_id,
        sum(mrr) as mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        count(*) filter (where mrr > 0) as active_customers,
        count(*) filter (where movement = 'new') as new_customers,
        count(*) filter (where movement = 'churn') as churned_customers,
        count(*) filter (where movement = 'reactivation') as reactivated_customers
    from {{ ref('customer_mrr_monthly') }}
    group by month, plan_id
)
select
    g.month,
    g.plan_id,
    g.plan_name,
    g.plan_tier,
    g.billing_interval,
    cast(coalesce(m.mrr, 0) as decimal(14, 2)) as mrr,
    cast(coalesce(m.new_mrr, 0) as decimal(14, 2)) as new_mrr,
    cast(coalesce(m.expansion_mrr, 0) as decimal(14, 2)) as expansion_mrr,
    cast(coalesce(m.contraction_mrr, 0) as decimal(14, 2)) as contraction_mrr,
    cast(coalesce(m.churned_mrr, 0) as decimal(14, 2)) as churned_mrr,
    cast(coalesce(m.reactivation_mrr, 0) as decimal(14, 2)) as reactivation_mrr,
    coalesce(m.active_customers, 0) as active_customers,
    coalesce(m.new_customers, 0) as new_customers,
    coalesce(m.churned_customers, 0) as churned_customers,
    coalesce(m.reactivated_customers, 0) as reactivated_customers
from grid g
left join movements m on m.month = g.month and m.plan_id = g.plan_id
