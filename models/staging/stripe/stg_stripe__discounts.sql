-- One row per discount (a coupon applied to a subscription or an invoice), from the expanded
-- `discounts` of subscriptions and invoices (the pack's source block asks Stripe to expand them).
-- A discount that ended is no longer on its subscription but stays on the invoices it reduced.
with nested as (
    select unnest(cast(discounts as json[])) as d, _dp_loaded_at
    from {{ source('stripe', 'subscriptions') }}
    union all
    select unnest(cast(discounts as json[])) as d, _dp_loaded_at
    from {{ source('stripe', 'invoices') }}
),
objects as (
    select d, _dp_loaded_at
    from nested
    -- an id that was never expanded carries nothing to read
    where json_type(d) = 'OBJECT'
)
select
    d ->> '$.id' as discount_id,
    -- since the 2025-09-30 API the coupon is under source.coupon (an id, or the coupon when expanded)
    coalesce(d ->> '$.source.coupon.id', d ->> '$.source.coupon', d ->> '$.coupon.id') as coupon_id,
    d ->> '$.customer' as customer_id,
    d ->> '$.subscription' as subscription_id,
    d ->> '$.subscription_item' as subscription_item_id,
    d ->> '$.invoice' as invoice_id,
    d ->> '$.promotion_code' as promotion_code_id,
    make_timestamp(cast(d ->> '$.start' as bigint) * 1000000) as started_at,
    make_timestamp(cast(d ->> '$.end' as bigint) * 1000000) as ends_at
from objects
qualify row_number() over (partition by d ->> '$.id' order by _dp_loaded_at desc) = 1
