-- One row per price, newest state. Amounts in currency units (zero-decimal currencies such as JPY
-- have no minor unit). `monthly_factor` normalizes one billing interval to a month: month ÷ count,
-- year ÷ (12 × count), week × 52 ÷ (12 × count), day × 365 ÷ (12 × count).
with latest as (
    select
        *,
        case
            when lower(currency) in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 1
            when lower(currency) in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 1000
            else 100
        end as minor_per_unit,
        recurring ->> '$.interval' as billing_interval,
        cast(recurring ->> '$.interval_count' as integer) as interval_count
    from {{ source('stripe', 'prices') }}
    qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
)
select
    id as price_id,
    product as product_id,
    lower(currency) as currency,
    nickname,
    type as price_type,
    billing_scheme,
    cast(coalesce(cast(unit_amount_decimal as double), unit_amount) / minor_per_unit as double) as unit_amount,
    billing_interval,
    interval_count,
    recurring ->> '$.usage_type' as usage_type,
    case billing_interval
        when 'month' then 1.0 / interval_count
        when 'year' then 1.0 / (12 * interval_count)
        when 'week' then 52.0 / (12 * interval_count)
        when 'day' then 365.0 / (12 * interval_count)
    end as monthly_factor,
    coalesce(active, false) as is_active,
    lookup_key,
    make_timestamp(created * 1000000) as created_at
from latest
