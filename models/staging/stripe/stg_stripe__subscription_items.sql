-- One row per item of a subscription as it stands now (the subscription's `items.data`), with the
-- price it carries (Stripe nests the whole price in each item). Metered items have no quantity.
with subscriptions as (
    select id, items
    from {{ source('stripe', 'subscriptions') }}
    qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
),
items as (
    select id as subscription_id, unnest(cast(items -> '$.data' as json[])) as item
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
    make_timestamp(cast(item ->> '$.created' as bigint) * 1000000) as created_at
from items
