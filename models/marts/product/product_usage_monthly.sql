-- Product usage per UTC calendar month (the current month to date). MAU: distinct users with at least one
-- event in the month (a user active on many days counts once — not a sum of DAU). Active accounts: distinct
-- customers with at least one event in the month (customers using the product, whatever they pay).
-- dau_total and days carry the month's daily active users summed and its days with data, so average DAU and
-- DAU/MAU stickiness are ratios of sums. loaded_at: the newest landing among the month's events.
--
-- Incremental: a build recomputes only the months whose events changed (an event loaded since the newest
-- loaded_at here, or a month whose event count moved), whose days moved (the days counted run from the first
-- event to the last) and the month that stops being the current one, and merges them by month; a month left
-- without events is removed.
with current_month as (
    select cast(date_trunc('month', max(occurred_date)) as date) as month
    from {{ ref('stg_product__events') }}
),
{% if is_incremental() %}
-- the events of each month, from product_usage_daily's per-day counts (already rebuilt, exact for every day):
-- counting the events themselves scanned every event each build
counted as (
    select cast(date_trunc('month', day) as date) as month, sum(events) as events
    from {{ ref('product_usage_daily') }}
    group by all
    having sum(events) > 0
),
months as (
    select distinct month from (
        select cast(date_trunc('month', occurred_date) as date) as month
        from {{ ref('stg_product__events') }}
        where loaded_at > (select max(loaded_at) from {{ this }})
        union all
        select coalesce(c.month, t.month) as month
        from counted c
        full join {{ this }} t using (month)
        where c.events is distinct from t.events
        union all
        select month from {{ this }} where is_month_to_date is distinct from (month = (select month from current_month))
        union all
        -- the days counted run from the first event to the last: a month whose days moved (product_usage_daily is
        -- already rebuilt)
        select coalesce(d.month, t.month) as month
        from (
            select cast(date_trunc('month', day) as date) as month, sum(daily_active_users) as dau_total, count(*) as days
            from {{ ref('product_usage_daily') }}
            group by 1
        ) d
        full join {{ this }} t using (month)
        where d.days is distinct from t.days or d.dau_total is distinct from t.dau_total
    )
    where month is not null
),
{% endif %}
events as (
    select cast(date_trunc('month', occurred_date) as date) as month, user_id, customer_id, loaded_at
    from {{ ref('stg_product__events') }}
    {% if is_incremental() %}where occurred_date >= (select min(month) from months)
        and cast(date_trunc('month', occurred_date) as date) in (select month from months){% endif %}
),
monthly as (
    select month, count(distinct user_id) as monthly_active_users, count(distinct customer_id) as active_accounts,
        count(*) as events, max(loaded_at) as loaded_at
    from events
    group by month
),
daily as (
    select cast(date_trunc('month', day) as date) as month, sum(daily_active_users) as dau_total, count(*) as days
    from {{ ref('product_usage_daily') }}
    {% if is_incremental() %}where day >= (select min(month) from months){% endif %}
    group by 1
)
select
    m.month,
    m.month = (select month from current_month) as is_month_to_date,
    m.monthly_active_users,
    m.active_accounts,
    m.events,
    d.dau_total,
    d.days,
    m.loaded_at
from monthly m
join daily d using (month)
{% if is_incremental() %}union all by name
select month, true as _dp_deleted
from {{ this }}
where month in (select month from months) and month not in (select month from monthly)
{% endif %}
