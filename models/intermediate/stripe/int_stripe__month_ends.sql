-- The instants month-end MRR is read at (UTC): each month's last second, from the month the first
-- subscription was created to the month of the last pull, which is read at the pull (month to date): the
-- newest change landed, or the start of the last pull's day (UTC) when that is later.
-- `events_from`: from then on every subscription change is in stg_stripe__events; Stripe lists 30
-- days of events, dp keeps them from its first pull on (one day of margin for Stripe's retention edge).
with bounds as (
    select
        (select min(created_at) from {{ ref('stg_stripe__subscriptions') }}) as first_at,
        greatest(
            (select max(loaded_at) from {{ ref('stg_stripe__subscriptions') }}),
            (select max(loaded_at) from {{ ref('stg_stripe__invoices') }}),
            (select max(loaded_at) from {{ ref('stg_stripe__events') }}),
            -- the last pull's day: a quiet account (nothing landed for days) still reaches a new month
            {{ last_pull('stripe') }}
        ) as now_at,
        coalesce(
            (select min(first_loaded_at) from {{ ref('stg_stripe__events') }}),
            (select min(loaded_at) from {{ ref('stg_stripe__subscriptions') }})
        ) - interval 29 day as events_from
)
select
    cast(m as date) as month,
    least(m + interval 1 month - interval 1 second, now_at) as as_of,
    m + interval 1 month > now_at as is_current,
    now_at,
    events_from
from bounds, unnest(generate_series(date_trunc('month', first_at), date_trunc('month', now_at), interval 1 month)) as t(m)
