-- Support load and responsiveness per day.
with tickets as (
    select * from {{ ref('stg_support__tickets') }}
),
days as (
    select cast(unnest(generate_series(
        cast(min(opened_at) as date),
        cast(greatest(max(updated_at), max(opened_at)) as date),
        interval 1 day)) as date) as day
    from tickets
),
opened as (
    select
        cast(opened_at as date) as day,
        count(*) as tickets_opened,
        count(*) filter (where priority in ('high', 'urgent')) as high_priority_opened
    from tickets
    group by 1
),
responded as (
    select
        cast(first_response_at as date) as day,
        count(*) as tickets_responded,
        sum(first_response_minutes) as first_response_minutes_total,
        median(first_response_minutes) as median_first_response_minutes
    from tickets
    where first_response_at is not null
    group by 1
),
closed as (
    select
        cast(closed_at as date) as day,
        count(*) as tickets_closed,
        sum(resolution_hours) as resolution_hours_total,
        count(satisfaction) as satisfaction_responses,
        sum(satisfaction) as satisfaction_total
    from tickets
    where closed_at is not null
    group by 1
)
select
    d.day,
    coalesce(o.tickets_opened, 0) as tickets_opened,
    coalesce(o.high_priority_opened, 0) as high_priority_opened,
    coalesce(c.tickets_closed, 0) as tickets_closed,
    sum(coalesce(o.tickets_opened, 0) - coalesce(c.tickets_closed, 0)) over (order by d.day) as open_backlog,
    coalesce(r.tickets_responded, 0) as tickets_responded,
    coalesce(r.first_response_minutes_total, 0) as first_response_minutes_total,
    r.median_first_response_minutes,
    round(r.first_response_minutes_total / nullif(r.tickets_responded, 0), 1) as avg_first_response_minutes,
    coalesce(c.resolution_hours_total, 0) as resolution_hours_total,
    coalesce(c.satisfaction_responses, 0) as satisfaction_responses,
    coalesce(c.satisfaction_total, 0) as satisfaction_total,
    round(c.satisfaction_total / nullif(c.satisfaction_responses, 0), 2) as avg_satisfaction
from days d
left join opened o on o.day = d.day
left join responded r on r.day = d.day
left join closed c on c.day = d.day
