-- Free trials by the month they ended (UTC) and currency: a trial ends at its trial_end, or earlier
-- when the subscription ended during it; it converted when the subscription was paying right after
-- (active or past_due: Stripe billed the first period at trial end), not when it was canceled or
-- paused for want of a payment method. Trials still running are not counted.
with month_ends as (
    select max(now_at) as now_at from {{ ref('int_stripe__month_ends') }}
),
trials as (
    select
        s.subscription_id,
        s.customer_id,
        s.currency,
        case when s.ended_at is not null and s.ended_at < s.trial_end_at then s.ended_at else s.trial_end_at end as trial_ended_at,
        s.ended_at,
        s.trial_end_at
    from {{ ref('stg_stripe__subscriptions') }} s, month_ends
    -- excluded customers' trials (int_stripe__excluded_customers) are no trials
    where s.customer_id not in (select customer_id from {{ ref('int_stripe__excluded_customers') }})
      and s.trial_end_at is not null
      and s.trial_end_at > coalesce(s.trial_start_at, s.created_at)
      and case when s.ended_at is not null and s.ended_at < s.trial_end_at then s.ended_at else s.trial_end_at end <= month_ends.now_at
),
first_bill as (
    -- the invoice Stripe makes for the first paid period at the end of the trial: it drafts it at the
    -- period boundary, but the object's created can lag (the demo's by up to an hour), so a day's window
    select t.subscription_id
    from trials t
    join {{ ref('stg_stripe__invoices') }} i
      on i.subscription_id = t.subscription_id
     and i.billing_reason in ('subscription_cycle', 'subscription_update', 'subscription_create')
     and i.created_at between t.trial_end_at and t.trial_end_at + interval 1 day
     and i.status <> 'void'
    group by all
),
outcomes as (
    select
        t.*,
        (t.ended_at is null or t.ended_at > t.trial_end_at) and f.subscription_id is not null as converted
    from trials t
    left join first_bill f using (subscription_id)
)
select
    cast(date_trunc('month', trial_ended_at) as date) as month,
    currency,
    count(*) as trials_ended,
    count(*) filter (where converted) as trials_converted,
    count(*) filter (where converted) / count(*) as trial_conversion_rate
from outcomes
group by all
