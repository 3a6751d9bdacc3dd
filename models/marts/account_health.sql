-- One row per paying account (active or past due): how much it uses the product now against the month
-- before, its unresolved support tickets and its failed payments, and a one-paragraph `context` that the
-- churn_risk decision (decisions/churn_risk.yml) gives the model for that account. The context is built
-- here, in SQL, so anyone can read exactly what the model saw and its length stays predictable.
-- Billing comes from the stripe pack's marts and staging (customers, subscriptions in force, charges).
-- "Now" is the latest product event, so a rebuild of old data agrees with itself.
with anchor as (
    select max(occurred_at) as at from {{ ref('stg_product__events') }}
),
accounts as (
    select customer_id, customer_name, cast(mrr as decimal(12, 2)) as mrr, status, cast(created_at as date) as signup_date
    from {{ ref('customers') }}
    -- test accounts are `excluded` (project.yaml vars.excluded_*), as staging drops them from product events and tickets
    where status in ('active', 'past_due')
),
-- the plan an account is on: its largest licensed item among subscriptions in force (Stripe's product, e.g. Pro → pro)
plans as (
    select
        s.customer_id,
        lower(p.product_name) as plan_tier,
        pr.billing_interval,
        cast(i.quantity as integer) as seats
    from {{ ref('stg_stripe__subscriptions') }} s
    join {{ ref('stg_stripe__subscription_items') }} i using (subscription_id)
    join {{ ref('stg_stripe__prices') }} pr using (price_id)
    left join {{ ref('stg_stripe__products') }} p on p.product_id = i.product_id
    where s.status in ('active', 'past_due') and pr.usage_type = 'licensed'
    qualify row_number() over (
        partition by s.customer_id order by i.quantity * pr.unit_amount * pr.monthly_factor desc, i.subscription_item_id
    ) = 1
),
-- the last 60 days' events counted apart from the last-seen instant over all of them: the distinct count grouped
-- only those (≈ a fifth of the events), not every event with filters
last_seen as (
    select customer_id, max(occurred_at) as last_seen_at
    from {{ ref('stg_product__events') }}
    group by customer_id
),
recent as (
    select
        e.customer_id,
        count(*) filter (where e.occurred_at > a.at - interval 30 day) as events_last_30d,
        count(*) filter (where e.occurred_at <= a.at - interval 30 day) as events_prev_30d,
        count(distinct e.user_id) filter (where e.occurred_at > a.at - interval 30 day) as active_users_last_30d
    from {{ ref('stg_product__events') }} e, anchor a
    where e.occurred_at > a.at - interval 60 day
    group by e.customer_id
),
usage as (
    select
        s.customer_id,
        coalesce(r.events_last_30d, 0) as events_last_30d,
        coalesce(r.events_prev_30d, 0) as events_prev_30d,
        coalesce(r.active_users_last_30d, 0) as active_users_last_30d,
        s.last_seen_at
    from last_seen s
    left join recent r using (customer_id)
),
tickets as (
    select
        t.customer_id,
        count(*) filter (where t.status <> 'closed') as open_tickets,
        count(*) filter (where t.status <> 'closed' and t.priority in ('high', 'urgent')) as urgent_open_tickets,
        count(*) filter (where t.opened_at > a.at - interval 30 day) as tickets_last_30d
    from {{ ref('stg_support__tickets') }} t, anchor a
    group by t.customer_id
),
payments as (
    select
        p.customer_id,
        count(*) filter (where p.status = 'failed' and p.created_at > a.at - interval 30 day) as failed_payments_30d,
        count(*) filter (where p.status = 'failed' and p.created_at > a.at - interval 90 day) as failed_payments_90d,
        arg_max(p.failure_code, p.created_at) filter (where p.status = 'failed') as last_failure_code
    from {{ ref('stg_stripe__charges') }} p, anchor a
    where p.customer_id is not null
    group by p.customer_id
),
health as (
    select
        c.customer_id,
        c.customer_name,
        pl.plan_tier,
        pl.billing_interval,
        pl.seats,
        c.mrr,
        c.status,
        c.signup_date,
        cast(date_diff('month', c.signup_date, cast(a.at as date)) as integer) as months_as_customer,
        coalesce(u.events_last_30d, 0) as events_last_30d,
        coalesce(u.events_prev_30d, 0) as events_prev_30d,
        coalesce(u.events_last_30d, 0) - coalesce(u.events_prev_30d, 0) as events_change_30d,
        coalesce(u.active_users_last_30d, 0) as active_users_last_30d,
        cast(date_diff('day', u.last_seen_at, a.at) as integer) as days_since_last_seen,
        coalesce(t.open_tickets, 0) as open_tickets,
        coalesce(t.urgent_open_tickets, 0) as urgent_open_tickets,
        coalesce(t.tickets_last_30d, 0) as tickets_last_30d,
        coalesce(p.failed_payments_30d, 0) as failed_payments_30d,
        coalesce(p.failed_payments_90d, 0) as failed_payments_90d,
        p.last_failure_code
    from accounts c
    cross join anchor a
    left join plans pl on pl.customer_id = c.customer_id
    left join usage u on u.customer_id = c.customer_id
    left join tickets t on t.customer_id = c.customer_id
    left join payments p on p.customer_id = c.customer_id
)
select
    *,
    -- what the model reads: facts only, no names or emails (nothing tagged pii leaves the machine)
    concat_ws(' ',
        format('Plan: {} ({}ly), {} seats, MRR ${:.2f}, subscription {}, customer for {} months.',
            plan_tier, billing_interval, seats, mrr, status, months_as_customer),
        format('Product use: {} events in the last 30 days vs {} in the 30 days before, by {} active users;',
            events_last_30d, events_prev_30d, active_users_last_30d),
        coalesce(format('last seen {} days ago.', days_since_last_seen), 'never seen in the product.'),
        format('Support: {} open tickets ({} high or urgent), {} opened in the last 30 days.',
            open_tickets, urgent_open_tickets, tickets_last_30d),
        format('Billing: {} failed payments in the last 30 days, {} in the last 90 days{}.',
            failed_payments_30d, failed_payments_90d,
            coalesce(format(' (last failure: {})', last_failure_code), ''))
    ) as context
from health
