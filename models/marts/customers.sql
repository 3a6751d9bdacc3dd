-- One row per real customer: who they are, what they pay now, what they have paid, how they use us.
with current_subscription as (
    select *
    from {{ ref('subscriptions') }}
    qualify row_number() over (partition by customer_id order by is_paying desc, started_at desc, updated_at desc) = 1
),
subscription_summary as (
    select
        customer_id,
        sum(mrr) as mrr,
        min(started_at) as first_subscription_at,
        count(*) as subscriptions
    from {{ ref('subscriptions') }}
    group by customer_id
),
revenue as (
    select
        customer_id,
        sum(amount_paid) as lifetime_revenue,
        count(*) filter (where status = 'paid') as invoices_paid,
        min(paid_at) as first_paid_at
    from {{ ref('stg_billing__invoices') }}
    group by customer_id
),
support as (
    select customer_id, count(*) as tickets_total, count(*) filter (where status <> 'closed') as tickets_open
    from {{ ref('stg_support__tickets') }}
    group by customer_id
),
usage as (
    select
        customer_id,
        max(occurred_at) as last_seen_at,
        count(*) filter (where occurred_at >= (select max(occurred_at) from {{ ref('stg_product__events') }}) - interval 30 day) as events_last_30d
    from {{ ref('stg_product__events') }}
    group by customer_id
)
select
    c.customer_id,
    c.customer_name,
    c.email,
    c.email_domain,
    c.country,
    c.company_size,
    c.industry,
    c.created_at as signed_up_at,
    cast(c.created_at as date) as signup_date,
    cast(date_trunc('month', c.created_at) as date) as signup_month,
    case
        when cs.status = 'canceled' and cs.cancel_reason = 'trial_expired' and coalesce(r.invoices_paid, 0) = 0 then 'trial_expired'
        when cs.status = 'canceled' then 'churned'
        else coalesce(cs.status, 'no_subscription')
    end as status,
    cs.plan_id as current_plan_id,
    cs.plan_name as current_plan_name,
    cs.plan_tier as current_plan_tier,
    cs.billing_interval,
    cs.seats,
    cast(coalesce(ss.mrr, 0) as decimal(12, 2)) as mrr,
    cs.canceled_at as churned_at,
    cs.cancel_reason,
    r.first_paid_at,
    cast(coalesce(r.lifetime_revenue, 0) as decimal(14, 2)) as lifetime_revenue,
    coalesce(r.invoices_paid, 0) as invoices_paid,
    coalesce(ss.subscriptions, 0) as subscriptions,
    coalesce(t.tickets_total, 0) as tickets_total,
    coalesce(t.tickets_open, 0) as tickets_open,
    u.last_seen_at,
    coalesce(u.events_last_30d, 0) as events_last_30d
from {{ ref('stg_billing__customers') }} c
left join current_subscription cs on cs.customer_id = c.customer_id
left join subscription_summary ss on ss.customer_id = c.customer_id
left join revenue r on r.customer_id = c.customer_id
left join support t on t.customer_id = c.customer_id
left join usage u on u.customer_id = c.customer_id
