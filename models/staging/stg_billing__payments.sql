-- Card charges, one row per attempt (failed attempts included), cents to dollars.
with deduped as (
    select *
    from {{ source('billing', 'payments') }}
    qualify row_number() over (partition by payment_id order by created_at desc, _dp_loaded_at desc) = 1
)
select
    payment_id,
    invoice_id,
    customer_id,
    lower(status) as status,
    failure_code,
    attempt,
    upper(currency) as currency,
    cast(amount_cents / 100 as decimal(12, 2)) as amount,
    created_at at time zone 'UTC' as created_at
from deduped
where invoice_id in (select invoice_id from {{ ref('stg_billing__invoices') }})
