-- Product usage events, each once (the tracker re-sends some), test accounts out.
-- Events never change, so a build merges only the events loaded since the last one, plus the last
-- day's events of customers it has no events for yet that landed in billing since (they reached it late). Not the whole last
-- day: right after a first pull every event was loaded within it, and each build for a day re-merged
-- the whole history (10M events: 200 s, 1.4 GB). The full-history dedup must fit a 1 GB VM:
-- a GROUP BY over every column of every event held them all (OOM at 700MB on 10M events), so the
-- hash table keys only hash(event_id), and the few event_ids seen twice (or colliding) take the
-- whole-row GROUP BY. Not materialized: a materialized CTE holds a copy of every event; an incremental
-- build's few new events are read once instead of three times.
with events as {% if is_incremental() %}materialized{% else %}not materialized{% endif %} (
    select event_id, customer_id, user_id, event_type, occurred_at, properties, _dp_loaded_at
    from {{ source('product', 'events') }}
    {% if is_incremental() %}where _dp_loaded_at > (select max(loaded_at) at time zone 'UTC' from {{ this }})
    -- two scans, each filtered as it reads (an OR of the two read every column of every event: 1.4 s at 4M)
    union all
    select event_id, customer_id, user_id, event_type, occurred_at, properties, _dp_loaded_at
    from {{ source('product', 'events') }}
    where _dp_loaded_at <= (select max(loaded_at) at time zone 'UTC' from {{ this }})
        and _dp_loaded_at > (select (max(loaded_at) - interval 1 day) at time zone 'UTC' from {{ this }})
        and customer_id in (
            -- a customer that reached billing late landed there after the newest event here; the customers that
            -- did not read every column of the day's events (all of them the day of a first pull: 2.7 s of CPU at 4M)
            select customer_id from {{ ref('stg_stripe__customers') }}
            where email not like '%@example.com' and upper(customer_name) not like 'TEST %'
                and loaded_at > (select max(loaded_at) from {{ this }})
                and customer_id not in (select customer_id from {{ this }} where customer_id is not null group by customer_id)
        ){% endif %}
),
resent as (
    select hash(event_id) as h from events group by h having count(*) > 1
),
deduped as (
    select * from events where hash(event_id) not in (select h from resent)
    union all
    select event_id, customer_id, user_id, event_type, occurred_at, properties, max(_dp_loaded_at) as _dp_loaded_at
    from events
    where hash(event_id) in (select h from resent)
    group by all
)
select
    event_id,
    customer_id,
    user_id,
    event_type,
    occurred_at at time zone 'UTC' as occurred_at,
    cast(occurred_at at time zone 'UTC' as date) as occurred_date,
    properties,
    _dp_loaded_at at time zone 'UTC' as loaded_at
from deduped
-- customers billing knows, test accounts out (the demo's Stripe account has some, as real ones do)
where customer_id in (
    select customer_id from {{ ref('stg_stripe__customers') }}
    where email not like '%@example.com' and upper(customer_name) not like 'TEST %'
)
-- an incremental build deletes the events of a customer that left billing since (a deleted customer): one
-- landed in billing after the newest event here and no longer kept (every event's customer_id against every
-- customer took ≈ 0.15 s of CPU each build at 3.8M events)
{% if is_incremental() %}union all by name
select event_id, true as _dp_deleted
from {{ this }}
where customer_id in (
    select id from {{ source('stripe', 'customers') }}
    where _dp_loaded_at > (select max(loaded_at) at time zone 'UTC' from {{ this }})
    except
    select customer_id from {{ ref('stg_stripe__customers') }}
    where email not like '%@example.com' and upper(customer_name) not like 'TEST %'
){% endif %}
