-- Product usage per UTC day, from the deduplicated events of real customers (test accounts are already out).
-- Definitions as product analytics tools use them (Statsig, Cube, Mozilla telemetry): an active user is a user
-- with at least one event of any type in the period; DAU counts the distinct users active that day, WAU the
-- distinct users active in the 7 days ending that day (the day and the 6 before), never a sum of DAU.
-- Active accounts: distinct customers with at least one event that day. Days without events count 0.
with user_days as (
    select occurred_date as day, user_id, customer_id, count(*) as events
    from {{ ref('stg_product__events') }}
    group by all
),
days as (
    select cast(unnest(generate_series(min(day), max(day), interval 1 day)) as date) as day
    from user_days
),
daily as (
    select day, count(distinct user_id) as daily_active_users, count(distinct customer_id) as active_accounts, sum(events) as events
    from user_days
    group by day
),
-- each user once per day, then each active day reaches the 7 days it counts in
distinct_user_days as (
    select distinct day, user_id from user_days
),
weekly as (
    select d.day, count(distinct u.user_id) as weekly_active_users
    from days d
    join distinct_user_days u on u.day between d.day - 6 and d.day
    group by d.day
)
select
    d.day,
    coalesce(a.daily_active_users, 0) as daily_active_users,
    coalesce(w.weekly_active_users, 0) as weekly_active_users,
    coalesce(a.active_accounts, 0) as active_accounts,
    coalesce(a.events, 0) as events
from days d
left join daily a on a.day = d.day
left join weekly w on w.day = d.day
