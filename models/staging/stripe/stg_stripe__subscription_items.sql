-- One row per item of a subscription as it stands now (the subscription's `items.data`), with the
-- price it carries (Stripe nests the whole price in each item). Metered items have no quantity.
with subscriptions as (
    -- the latest version of each: an aggregate keeps one `items` per subscription, where a window over every
    -- landed version held them all (out of memory under 768 MB at 97k customers, inside a full-refresh build)
    select id, arg_max(items, _dp_loaded_at) as items, max(_dp_loaded_at) as _dp_loaded_at
    from {{ source('stripe', 'subscriptions') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    group by id
),
items as (
    select id as subscription_id, _dp_loaded_at, unnest(cast(items -> '$.data' as json[])) as item
    from subscriptions
)
select
    item ->> '$.id' as subscription_item_id,
    subscription_id,
    item ->> '$.price.id' as price_id,
    item ->> '$.price.product' as product_id,
    cast(item ->> '$.quantity' as bigint) as quantity,
    make_timestamp(cast(item ->> '$.current_period_start' as bigint) * 1000000) as current_period_start_at,
    make_timestamp(cast(item ->> '$.current_period_end' as bigint) * 1000000) as current_period_end_at,
    make_timestamp(cast(item ->> '$.created' as bigint) * 1000000) as created_at,
    timezone('UTC', _dp_loaded_at) as loaded_at{% if is_incremental() %},
    false as _dp_deleted{% else %}
{% endif %}
from items
-- an incremental build replaces every item of each subscription it read (unique_key: subscription_id)
{% if is_incremental() %}union all by name
select id as subscription_id, true as _dp_deleted from subscriptions
where id not in (select subscription_id from items){% endif %}
