-- One row per Stripe customer (a deleted customer is kept by id when its subscriptions or payments
-- remain): who they are, their MRR now, their billing status, when they first paid and churned, and
-- what they paid in all. `metadata` and `email_domain` are what matching to a CRM uses. A customer
-- int_stripe__excluded_customers names (a test account) stays here, flagged and with status `excluded`:
-- no MRR and in no metric; `lifetime_revenue` still shows what it paid.
with ids as (
    select customer_id from {{ ref('stg_stripe__customers') }}
    union
    select customer_id from {{ ref('stg_stripe__subscriptions') }}
    union
    select customer_id from {{ ref('stg_stripe__charges') }} where customer_id is not null
),
months as (
    select
        customer_id,
        min(month) filter (where movement = 'new') as first_paid_month,
        max(month) filter (where movement = 'churn') as last_churned_month,
        arg_max(mrr, month) as mrr,
        arg_max(currency, month) as mrr_currency
    from {{ ref('customer_mrr_monthly') }}
    group by all
),
subscriptions as (
    select
        customer_id,
        bool_or(status = 'past_due') as any_past_due,
        bool_or(status = 'trialing') as any_trialing,
        bool_or(status in ('active', 'past_due')) as any_paying_status,
        count(*) as subscriptions,
        max(ended_at) as last_ended_at
    from {{ ref('stg_stripe__subscriptions') }}
    group by all
),
-- the month of the last pull (customer_mrr_monthly's newest): "now" for a paying customer's tenure
as_of as (
    select max(month) as as_of_month, cast(coalesce({{ last_pull('stripe') }}, max(month)) as date) as as_of_date
    from {{ ref('customer_mrr_monthly') }}
),
paid as (
    select customer_id, sum(amount) filter (where status = 'succeeded') - coalesce(sum(amount_refunded) filter (where status = 'succeeded'), 0) as net_paid
    from {{ ref('stg_stripe__charges') }}
    group by all
)
select
    ids.customer_id,
    c.customer_name,
    c.email,
    c.email_domain,
    coalesce(c.currency, m.mrr_currency) as currency,
    -- mrr's currency: vars.reporting_currency when set (customer_mrr_monthly converts), else the customer's
    -- own; lifetime_revenue stays in the customer's currency
    coalesce(m.mrr_currency, c.currency) as mrr_currency,
    c.country,
    c.metadata,
    c.created_at,
    c.customer_id is null as is_deleted,
    cast(coalesce(m.mrr, 0) as decimal(18, 6)) as mrr,
    case
        when x.customer_id is not null then 'excluded'
        when coalesce(m.mrr, 0) > 0 and s.any_past_due then 'past_due'
        when coalesce(m.mrr, 0) > 0 then 'active'
        when s.any_trialing then 'trialing'
        when m.first_paid_month is not null then 'churned'
        else 'never_paid'
    end as status,
    m.first_paid_month,
    case when coalesce(m.mrr, 0) = 0 then m.last_churned_month end as churned_month,
    (select as_of_month from as_of) as as_of_month,
    -- whole months from the first paid month: to the month of the last pull while paying, to the churn month once churned
    case when x.customer_id is null and coalesce(m.mrr, 0) > 0
         then cast(date_diff('month', m.first_paid_month, (select as_of_month from as_of)) as integer) end as tenure_months,
    case when x.customer_id is null and coalesce(m.mrr, 0) = 0 and not coalesce(s.any_trialing, false) and m.first_paid_month is not null
         then cast(date_diff('month', m.first_paid_month, m.last_churned_month) as integer) end as lifetime_months,
    -- a churned customer's days since its last subscription ended, to the last pull's day
    case when x.customer_id is null and coalesce(m.mrr, 0) = 0 and not coalesce(s.any_trialing, false) and m.first_paid_month is not null
         then cast(date_diff('day', cast(s.last_ended_at as date), (select as_of_date from as_of)) as integer) end as days_since_churn,
    coalesce(s.subscriptions, 0) as subscriptions,
    cast(coalesce(p.net_paid, 0) as decimal(18, 4)) as lifetime_revenue,
    x.customer_id is not null as is_excluded,
    x.excluded_because
from ids
left join {{ ref('stg_stripe__customers') }} c using (customer_id)
left join months m using (customer_id)
left join subscriptions s using (customer_id)
left join paid p using (customer_id)
left join {{ ref('int_stripe__excluded_customers') }} x using (customer_id)
