-- Product usage events, each once (the tracker re-sends some), test accounts out.
with deduped as (
    select *
    from {{ source('product', 'events') }}
    qualify row_number() over (partition by event_id order by _dp_loaded_at desc) = 1
)
select
    event_id,
    customer_id,
    user_id,
    event_type,
    occurred_at at time zone 'UTC' as occurred_at,
    cast(occurred_at at time zone 'UTC' as date) as occurred_date,
    properties
from deduped
where customer_id in (select customer_id from {{ ref('stg_billing__customers') }})
