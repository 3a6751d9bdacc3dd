-- Subscriptions as they stand now: the latest version of each.
select
    subscription_id,
    customer_id,
    plan_id,
    plan_tier,
    status,
    quantity,
    billing_interval,
    currency,
    amount,
    mrr,
    started_at,
    trial_ends_at,
    canceled_at,
    cancel_reason,
    valid_from as updated_at
from {{ ref('stg_billing__subscription_history') }}
where is_current
