-- Product usage events, each once (the tracker re-sends some), test accounts out.
-- Events never change, so a build merges only the events loaded since the last one, plus a day
-- again for events whose customer reached billing late. The dedup is a GROUP BY, which spills to
-- disk on a small machine; a window over every event_id ran out of memory.
with deduped as (
    select event_id, customer_id, user_id, event_type, occurred_at, properties, max(_dp_loaded_at) as _dp_loaded_at
    from {{ source('product', 'events') }}
    {% if is_incremental() %}where _dp_loaded_at > (select (max(loaded_at) - interval 1 day) at time zone 'UTC' from {{ this }}){% endif %}
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
where customer_id in (select customer_id from {{ ref('stg_billing__customers') }})
