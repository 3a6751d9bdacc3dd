-- One row per refund (full or partial), newest state.
select
    id as refund_id,
    charge as charge_id,
    payment_intent as payment_intent_id,
    status,
    reason,
    lower(currency) as currency,
    cast(amount as double) / case
        when lower(currency) in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 1
        when lower(currency) in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 1000
        else 100
    end as amount,
    make_timestamp(created * 1000000) as created_at
from {{ source('stripe', 'refunds') }}
qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
