-- Every subscription as it stands now, with its plan spelled out.
select
    s.subscription_id,
    s.customer_id,
    s.plan_id,
    p.plan_name,
    p.plan_tier,
    s.billing_interval,
    s.status,
    s.quantity as seats,
    s.amount,
    s.mrr,
    s.currency,
    s.started_at,
    cast(s.started_at as date) as started_date,
    s.trial_ends_at,
    s.canceled_at,
    cast(s.canceled_at as date) as canceled_date,
    s.cancel_reason,
    s.status in ('active', 'past_due') as is_paying,
    date_diff('day', s.started_at, coalesce(s.canceled_at, s.updated_at)) as age_days,
    s.updated_at
from {{ ref('stg_billing__subscriptions') }} s
left join {{ ref('stg_billing__plans') }} p on p.plan_id = s.plan_id
