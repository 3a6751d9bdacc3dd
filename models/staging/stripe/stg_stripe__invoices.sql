-- One row per invoice, newest state; a deleted (draft) invoice is dropped. Amounts in currency units.
-- Since Stripe's 2025-03-31 API an invoice names its subscription under parent.subscription_details.
with latest as (
    select
        *,
        case
            when lower(currency) in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 1
            when lower(currency) in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 1000
            else 100
        end as minor_per_unit
    from {{ source('stripe', 'invoices') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
)
select
    id as invoice_id,
    number as invoice_number,
    customer as customer_id,
    parent ->> '$.subscription_details.subscription' as subscription_id,
    status,
    billing_reason,
    collection_method,
    lower(currency) as currency,
    make_timestamp(created * 1000000) as created_at,
    make_timestamp(cast(status_transitions ->> '$.finalized_at' as bigint) * 1000000) as finalized_at,
    make_timestamp(cast(status_transitions ->> '$.paid_at' as bigint) * 1000000) as paid_at,
    make_timestamp(cast(status_transitions ->> '$.voided_at' as bigint) * 1000000) as voided_at,
    make_timestamp(cast(status_transitions ->> '$.marked_uncollectible_at' as bigint) * 1000000) as marked_uncollectible_at,
    make_timestamp(period_start * 1000000) as period_start_at,
    make_timestamp(period_end * 1000000) as period_end_at,
    cast(subtotal as double) / minor_per_unit as subtotal,
    cast(total_excluding_tax as double) / minor_per_unit as total_excluding_tax,
    cast(total - coalesce(total_excluding_tax, total) as double) / minor_per_unit as tax,
    cast(total as double) / minor_per_unit as total,
    cast(amount_due as double) / minor_per_unit as amount_due,
    cast(amount_paid as double) / minor_per_unit as amount_paid,
    cast(amount_remaining as double) / minor_per_unit as amount_remaining,
    coalesce(attempt_count, 0) as attempt_count,
    coalesce(attempted, false) as is_attempted,
    make_timestamp(next_payment_attempt * 1000000) as next_payment_attempt_at,
    timezone('UTC', _dp_loaded_at) as loaded_at{% if is_incremental() %},
    coalesce(deleted, false) as _dp_deleted{% else %}
{% endif %}
from latest
{% if is_incremental() %}{% else %}where not coalesce(deleted, false){% endif %}
