-- The price list, one row per plan; prices are per seat per billing interval.
with latest as (
    select *
    from {{ source('billing', 'plans') }}
    qualify row_number() over (partition by plan_id order by updated_at desc, _dp_loaded_at desc) = 1
)
select
    plan_id,
    trim(name) as plan_name,
    lower(tier) as plan_tier,
    lower(interval) as billing_interval,
    cast(price_cents / 100 as decimal(12, 2)) as seat_price,
    cast(price_cents / (case when lower(interval) = 'year' then 12 else 1 end) / 100 as decimal(12, 2)) as monthly_seat_price,
    upper(currency) as currency,
    updated_at at time zone 'UTC' as updated_at
from latest
