-- One row per Stripe event the pack keeps (customer.subscription.*: every change of a subscription,
-- with the whole object after it). Stripe lists events for 30 days only; dp keeps them from the first
-- pull on, so `first_loaded_at − 30 days` is when this history starts being complete.
select
    id as event_id,
    type as event_type,
    make_timestamp(created * 1000000) as created_at,
    data -> '$.object' ->> '$.object' as object_type,
    data -> '$.object' ->> '$.id' as object_id,
    data -> '$.object' as object,
    data -> '$.previous_attributes' as previous_attributes,
    timezone('UTC', _dp_loaded_at) as loaded_at,
    -- when dp first landed it (a later pull may land it again inside its lookback; an incremental build
    -- keeps the first landing it already has)
    {% if is_incremental() %}coalesce((select t.first_loaded_at from {{ this }} t where t.event_id = id), {% endif %}timezone('UTC', min(_dp_loaded_at) over (partition by id)){% if is_incremental() %}){% endif %} as first_loaded_at
from {{ source('stripe', 'events') }}
{% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
