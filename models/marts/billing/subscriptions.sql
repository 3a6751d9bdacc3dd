-- Every subscription as it stands at the last pull, canceled ones included: its customer, status,
-- plans, MRR now (0 unless it counts: active, or past_due per vars.past_due_counts_in_mrr) and its
-- dates. A customer who came back has a second subscription. An excluded customer's (a test account,
-- int_stripe__excluded_customers) is listed with `is_excluded` and 0 MRR.
with now_mrr as (
    select m.subscription_id, sum(m.mrr) as mrr, list(distinct p.product_name order by p.product_name) as plans
    from {{ ref('int_stripe__subscription_mrr') }} m
    join {{ ref('int_stripe__month_ends') }} me on me.month = m.month and me.is_current
    left join {{ ref('stg_stripe__products') }} p using (product_id)
    where {{ var('past_due_counts_in_mrr', true) }} or not m.is_past_due
    group by all
),
item_plans as (
    select i.subscription_id, list(distinct p.product_name order by p.product_name) as plans, sum(i.quantity) as quantity
    from {{ ref('stg_stripe__subscription_items') }} i
    left join {{ ref('stg_stripe__products') }} p using (product_id)
    group by all
)
select
    s.subscription_id,
    s.customer_id,
    c.customer_name,
    s.status,
    s.currency,
    array_to_string(coalesce(n.plans, ip.plans), ', ') as plans,
    cast(ip.quantity as bigint) as quantity,
    cast(round(coalesce(n.mrr, 0), 6) as decimal(18, 6)) as mrr,
    coalesce(n.mrr, 0) > 0 as is_paying,
    s.status in ('active', 'past_due', 'trialing', 'paused', 'unpaid', 'incomplete') as is_live,
    s.created_at,
    s.started_at,
    s.trial_start_at,
    s.trial_end_at,
    s.cancel_at_period_end,
    s.cancel_at,
    s.canceled_at,
    s.ended_at,
    s.cancellation_reason,
    s.pause_collection_behavior,
    s.current_period_start_at,
    s.current_period_end_at,
    x.customer_id is not null as is_excluded
from {{ ref('stg_stripe__subscriptions') }} s
left join now_mrr n using (subscription_id)
left join item_plans ip using (subscription_id)
left join {{ ref('stg_stripe__customers') }} c using (customer_id)
left join {{ ref('int_stripe__excluded_customers') }} x using (customer_id)
