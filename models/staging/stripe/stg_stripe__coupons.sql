-- One row per coupon, newest state; a deleted coupon stays (flagged): the discounts made from it go on.
select
    id as coupon_id,
    name as coupon_name,
    percent_off,
    cast(amount_off as double) / case
        when lower(currency) in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 1
        when lower(currency) in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 1000
        else 100
    end as amount_off,
    lower(currency) as currency,
    duration,
    duration_in_months,
    coalesce(valid, false) as is_valid,
    coalesce(deleted, false) as is_deleted,
    make_timestamp(created * 1000000) as created_at
from {{ source('stripe', 'coupons') }}
qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
