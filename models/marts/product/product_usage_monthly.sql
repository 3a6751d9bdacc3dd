-- Product usage per UTC calendar month (the current month to date). MAU: distinct users with at least one
-- event in the month (a user active on many days counts once — not a sum of DAU). Active accounts: distinct
-- customers with at least one event in the month (customers using the product, whatever they pay).
-- dau_total and days carry the month's daily active users summed and its days with data, so average DAU and
-- DAU/MAU stickiness are ratios of sums.
with events as (
    select cast(date_trunc('month', occurred_date) as date) as month, occurred_date, user_id, customer_id
    from {{ ref('stg_product__events') }}
),
monthly as (
    select month, count(distinct user_id) as monthly_active_users, count(distinct customer_id) as active_accounts, count(*) as events
    from events
    group by month
),
daily as (
    select cast(date_trunc('month', day) as date) as month, sum(daily_active_users) as dau_total, count(*) as days
    from {{ ref('product_usage_daily') }}
    group by 1
)
select
    m.month,
    m.month = cast(date_trunc('month', (select max(occurred_date) from events)) as date) as is_month_to_date,
    m.monthly_active_users,
    m.active_accounts,
    m.events,
    d.dau_total,
    d.days
from monthly m
join daily d using (month)
