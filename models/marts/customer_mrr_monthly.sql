-- One row per customer per month they paid in (or stopped paying in): MRR at month end
-- (or now, for the current month) and how it moved since the previous month.
with history as (
    select * from {{ ref('stg_billing__subscription_history') }}
),
months as (
    select cast(unnest(generate_series(
        date_trunc('month', min(valid_from)),
        date_trunc('month', max(loaded_at)),
        interval 1 month)) as date) as month
    from history
),
in_force as (
    -- the version of each subscription in force at the end of each month
    select m.month, h.customer_id, h.subscription_id, h.plan_id, h.status, h.mrr, h.valid_from
    from months m
    join history h
      on h.valid_from < m.month + interval 1 month
     and (h.valid_to is null or h.valid_to >= m.month + interval 1 month)
),
by_customer as (
    select
        month,
        customer_id,
        sum(mrr) as mrr,
        arg_max(plan_id, mrr * 1e10 + epoch(valid_from)) as plan_id,
        arg_max(status, mrr * 1e10 + epoch(valid_from)) as subscription_status
    from in_force
    group by month, customer_id
),
with_previous as (
    select
        *,
        coalesce(lag(mrr) over w, 0) as previous_mrr,
        lag(plan_id) over w as previous_plan_id,
        coalesce(max(mrr > 0) over (w rows between unbounded preceding and 1 preceding), false) as paid_before
    from by_customer
    window w as (partition by customer_id order by month)
)
select
    month,
    customer_id,
    case when mrr > 0 then plan_id else coalesce(previous_plan_id, plan_id) end as plan_id,
    subscription_status,
    cast(mrr as decimal(12, 2)) as mrr,
    cast(previous_mrr as decimal(12, 2)) as previous_mrr,
    case
        when previous_mrr = 0 and mrr > 0 and not paid_before then 'new'
        when previous_mrr = 0 and mrr > 0 then 'reactivation'
        when previous_mrr > 0 and mrr = 0 then 'churn'
        when mrr > previous_mrr then 'expansion'
        when mrr < previous_mrr then 'contraction'
        else 'flat'
    end as movement,
    cast(case when previous_mrr = 0 and mrr > 0 and not paid_before then mrr else 0 end as decimal(12, 2)) as new_mrr,
    cast(case when previous_mrr = 0 and mrr > 0 and paid_before then mrr else 0 end as decimal(12, 2)) as reactivation_mrr,
    cast(case when previous_mrr > 0 and mrr > previous_mrr then mrr - previous_mrr else 0 end as decimal(12, 2)) as expansion_mrr,
    cast(case when previous_mrr > 0 and mrr > 0 and mrr < previous_mrr then previous_mrr - mrr else 0 end as decimal(12, 2)) as contraction_mrr,
    cast(case when previous_mrr > 0 and mrr = 0 then previous_mrr else 0 end as decimal(12, 2)) as churned_mrr
from with_previous
where mrr > 0 or previous_mrr > 0
