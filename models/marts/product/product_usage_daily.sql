-- Product usage per UTC day, from the deduplicated events of real customers (test accounts are already out).
-- Definitions as product analytics tools use them (Statsig, Cube, Mozilla telemetry): an active user is a user
-- with at least one event of any type in the period; DAU counts the distinct users active that day, WAU the
-- distinct users active in the 7 days ending that day (the day and the 6 before), never a sum of DAU.
-- Active accounts: distinct customers with at least one event that day. Days without events count 0.
-- loaded_at: the newest landing among the day's events.
--
-- Incremental: a build recomputes the days from the first one whose events changed (an event loaded since the
-- newest loaded_at here, or a day whose event count moved: events deleted with a customer that left billing)
-- to the last, and merges them by day; the days before it keep their rows (a day's WAU reads only the 6 days
-- before it). Days that left the range (every event of the first or last day deleted) are removed.
with {% if is_incremental() %}
stored as (
    select max(loaded_at) as loaded_at from {{ this }}
),
counted as (
    select occurred_date as day, count(*) as events from {{ ref('stg_product__events') }} group by all
),
changed as (
    select occurred_date as day from {{ ref('stg_product__events') }}
    where loaded_at > (select loaded_at from stored)
    union all
    select coalesce(c.day, t.day) as day
    from counted c
    full join (select day, events from {{ this }} where events > 0) t using (day)
    where c.events is distinct from t.events
),
bounds as (
    -- nothing changed: no day after the last
    select coalesce((select min(day) from changed), (select max(occurred_date) + 1 from {{ ref('stg_product__events') }})) as start_day
),
{% else %}
bounds as (
    select min(occurred_date) as start_day from {{ ref('stg_product__events') }}
),
{% endif %}
extent as (
    select min(occurred_date) as first_day, max(occurred_date) as last_day from {{ ref('stg_product__events') }}
),
user_days as (
    -- each user's active days (one row per user and day), from 6 days before the first day rebuilt: those feed only
    -- its WAU. Grouped, not listed: a list of days per user (list(distinct … order by …)) is held whole in memory,
    -- and at 100× (37.6M events) it did not fit the default 768 MB (built again under 1,152 MB, the run's RSS peak);
    -- a GROUP BY of two narrow columns spills to disk when it has to
    select user_id, occurred_date as day
    from {{ ref('stg_product__events') }}
    where occurred_date >= (select start_day from bounds) - 6
    group by all
),
days as (
    select cast(unnest(generate_series(greatest(first_day, start_day), last_day, interval 1 day)) as date) as day
    from extent, bounds
),
account_days as (
    select occurred_date as day, customer_id
    from {{ ref('stg_product__events') }}
    where occurred_date >= (select start_day from bounds)
    group by all
),
daily as (
    select e.day, u.daily_active_users, a.active_accounts, e.events, e.loaded_at
    from (
        select occurred_date as day, count(*) as events, max(loaded_at) as loaded_at
        from {{ ref('stg_product__events') }}
        where occurred_date >= (select start_day from bounds)
        group by all
    ) e
    left join (
        select day, count(*) as daily_active_users from user_days where day >= (select start_day from bounds) group by all
    ) u using (day)
    left join (select day, count(customer_id) as active_accounts from account_days group by all) a using (day)
),
-- a user counts in the WAU of each day from an active day until 7 days after it or their next active day,
-- whichever comes first: intervals that never overlap, so each day's WAU is the intervals open on it (a join of
-- each day to the user-days of its week took 15 s at 2.5M user-days)
spans as (
    select day, least(day + 7, coalesce(lead(day) over (partition by user_id order by day), day + 7)) as until
    from user_days
),
steps as (
    select day, count(*) as delta from spans group by all
    union all
    select until as day, -count(*) as delta from spans group by all
),
weekly as (
    select t.day, sum(coalesce(s.delta, 0)) over (order by t.day) as weekly_active_users
    from (
        select cast(unnest(generate_series(start_day - 6, last_day, interval 1 day)) as date) as day from extent, bounds
    ) t
    left join (select day, sum(delta) as delta from steps group by all) s using (day)
)
select
    d.day,
    coalesce(a.daily_active_users, 0) as daily_active_users,
    cast(coalesce(w.weekly_active_users, 0) as bigint) as weekly_active_users,
    coalesce(a.active_accounts, 0) as active_accounts,
    cast(coalesce(a.events, 0) as hugeint) as events,
    a.loaded_at
from days d
left join daily a on a.day = d.day
left join weekly w on w.day = d.day
{% if is_incremental() %}where d.day >= (select start_day from bounds)
union all by name
select day, true as _dp_deleted
from {{ this }}
where day < (select first_day from extent) or day > (select last_day from extent) or (select last_day from extent) is null
{% endif %}
