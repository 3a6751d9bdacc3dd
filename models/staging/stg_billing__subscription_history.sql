-- Every version of every subscription, with the interval it was in force: the basis of MRR over time.
-- Re-sent rows (same subscription and updated_at) collapse to the last loaded copy.
with versions as (
    select *
    from {{ source('billing', 'subscriptions') }}
    qualify row_number() over (partition by subscription_id, updated_at order by _dp_loaded_at desc) = 1
),
typed as (
    select
        subscription_id,
        customer_id,
        plan_id,
        lower(status) as status,
        quantity,
        lower(interval) as billing_interval,
        upper(currency) as currency,
        cast(amount_cents / 100 as decimal(12, 2)) as amount,
        cast(
            case when lower(status) in ('active', 'past_due')
                 then amount_cents / (case when lower(interval) = 'year' then 12 else 1 end) / 100
                 else 0 end
            as decimal(12, 2)) as mrr,
        started_at at time zone 'UTC' as started_at,
        trial_ends_at at time zone 'UTC' as trial_ends_at,
        canceled_at at time zone 'UTC' as canceled_at,
        cancel_reason,
        updated_at at time zone 'UTC' as valid_from,
        _dp_loaded_at at time zone 'UTC' as loaded_at
    from versions
)
select
    t.*,
    p.plan_tier,
    lead(t.valid_from) over (partition by t.subscription_id order by t.valid_from) as valid_to,
    lead(t.valid_from) over (partition by t.subscription_id order by t.valid_from) is null as is_current
from typed t
left join {{ ref('stg_billing__plans') }} p on p.plan_id = t.plan_id
where t.customer_id in (select customer_id from {{ ref('stg_billing__customers') }})
