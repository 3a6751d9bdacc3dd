-- One row per customer and month, from the month the customer first had MRR to the current month
-- (month to date): MRR at the month's last second and how it moved since the previous month end.
-- Movements: new (0 → > 0 the first time), reactivation (0 → > 0 after an earlier month above 0),
-- expansion / contraction (up / down while above 0), churn (→ 0); they sum to the change in MRR.
-- vars: past_due_counts_in_mrr (default true), reporting_currency and fx_rates (default: per currency).
with converted as (
    select m.customer_id, m.month, fx.reporting_currency as currency, cast(round(m.mrr * fx.rate, 6) as decimal(18, 6)) as mrr
    from {{ ref('int_stripe__subscription_mrr') }} m
    join {{ ref('int_stripe__fx_rates') }} fx using (currency)
    where {{ var('past_due_counts_in_mrr', true) }} or not m.is_past_due
),
by_customer as (
    select customer_id, currency, month, cast(round(sum(mrr), 6) as decimal(18, 6)) as mrr
    from converted
    group by all
),
firsts as (
    select customer_id, currency, min(month) as first_month
    from by_customer
    where mrr > 0
    group by all
),
grid as (
    select f.customer_id, f.currency, me.month, me.is_current
    from firsts f
    join {{ ref('int_stripe__month_ends') }} me on me.month >= f.first_month
),
filled as (
    select g.customer_id, g.currency, g.month, g.is_current, coalesce(b.mrr, 0) as mrr
    from grid g
    left join by_customer b using (customer_id, currency, month)
),
with_previous as (
    select
        *,
        coalesce(lag(mrr) over w, 0) as previous_mrr,
        coalesce(max(mrr) over (w rows between unbounded preceding and 1 preceding), 0) > 0 as paid_before
    from filled
    window w as (partition by customer_id, currency order by month)
),
classified as (
    select
        *,
        case
            when previous_mrr = 0 and mrr > 0 and not paid_before then 'new'
            when previous_mrr = 0 and mrr > 0 then 'reactivation'
            when previous_mrr > 0 and mrr = 0 then 'churn'
            when mrr > previous_mrr then 'expansion'
            when mrr < previous_mrr then 'contraction'
            else 'flat'
        end as movement
    from with_previous
)
select
    c.month,
    c.customer_id,
    cu.customer_name,
    c.currency,
    c.mrr,
    c.previous_mrr,
    c.movement,
    cast(case when c.movement = 'new' then c.mrr else 0 end as decimal(18, 6)) as new_mrr,
    cast(case when c.movement = 'reactivation' then c.mrr else 0 end as decimal(18, 6)) as reactivation_mrr,
    cast(case when c.movement = 'expansion' then c.mrr - c.previous_mrr else 0 end as decimal(18, 6)) as expansion_mrr,
    cast(case when c.movement = 'contraction' then c.previous_mrr - c.mrr else 0 end as decimal(18, 6)) as contraction_mrr,
    cast(case when c.movement = 'churn' then c.previous_mrr else 0 end as decimal(18, 6)) as churned_mrr,
    -- contraction + churn of this customer so far: what GRR over any period sums for its cohort
    cast(sum(case when c.movement = 'contraction' then c.previous_mrr - c.mrr when c.movement = 'churn' then c.previous_mrr else 0 end)
        over (partition by c.customer_id, c.currency order by c.month) as decimal(18, 6)) as lost_mrr_to_date,
    c.mrr > 0 as is_active,
    c.previous_mrr > 0 as was_active,
    c.is_current as is_month_to_date
from classified c
left join {{ ref('stg_stripe__customers') }} cu using (customer_id)
