-- One row per item of a subscription as it stands now (the subscription's `items.data`), with the
-- price it carries (Stripe nests the whole price in each item). Metered items have no quantity.
with subscriptions as (
    -- the latest version of each: an aggregate keeps one list of items per subscription, where a window over
    -- every landed version held them all (out of memory under 768 MB at 97k customers, inside a full-refresh
    -- build). Each item is parsed once into the fields below: the JSON (whole prices in every item) kept by the
    -- aggregate and a `->>` per field ran out of memory under a 500 MB warehouse.memory_limit at 97k
    select
        id,
        arg_max(from_json(items -> '$.data', '[{
            "id": "VARCHAR", "price": {"id": "VARCHAR", "product": "VARCHAR"}, "quantity": "BIGINT",
            "current_period_start": "BIGINT", "current_period_end": "BIGINT", "created": "BIGINT"
        }]'), _dp_loaded_at) as items,
        max(_dp_loaded_at) as _dp_loaded_at
    from {{ source('stripe', 'subscriptions') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    group by id
),
items as (
    select id as subscription_id, _dp_loaded_at, unnest(items) as item
    from subscriptions
)
select
    item.id as subscription_item_id,
    subscription_id,
    item.price.id as price_id,
    item.price.product as product_id,
    item.quantity as quantity,
    make_timestamp(item.current_period_start * 1000000) as current_period_start_at,
    make_timestamp(item.current_period_end * 1000000) as current_period_end_at,
    make_timestamp(item.created * 1000000) as created_at,
    timezone('UTC', _dp_loaded_at) as loaded_at{% if is_incremental() %},
    false as _dp_deleted{% else %}
{% endif %}
from items
-- an incremental build replaces every item of each subscription it read (unique_key: subscription_id)
{% if is_incremental() %}union all by name
select id as subscription_id, true as _dp_deleted from subscriptions
where id not in (select subscription_id from items){% endif %}
