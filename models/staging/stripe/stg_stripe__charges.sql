-- One row per charge (each payment attempt is one; a failed retry is another charge), newest state.
with latest as (
    select
        *,
        case
            when lower(currency) in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 1
            when lower(currency) in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 1000
            else 100
        end as minor_per_unit
    from {{ source('stripe', 'charges') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
)
select
    id as charge_id,
    customer as customer_id,
    payment_intent as payment_intent_id,
    status,
    coalesce(paid, false) as is_paid,
    coalesce(refunded, false) as is_refunded,
    lower(currency) as currency,
    cast(amount as double) / minor_per_unit as amount,
    cast(amount_captured as double) / minor_per_unit as amount_captured,
    cast(amount_refunded as double) / minor_per_unit as amount_refunded,
    failure_code,
    failure_message,
    description,
    billing_details ->> '$.email' as billing_email,
    make_timestamp(created * 1000000) as created_at,
    timezone('UTC', _dp_loaded_at) as loaded_at
from latest
