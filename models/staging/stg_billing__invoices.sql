-- Invoices: latest status of each (duplicates and superseded rows removed), cents to dollars;
-- only invoices of known subscriptions of real customers.
with latest as (
    select *
    from {{ source('billing', 'invoices') }}
    qualify row_number() over (partition by invoice_id order by updated_at desc, _dp_loaded_at desc) = 1
)
select
    invoice_id,
    customer_id,
    subscription_id,
    plan_id,
    quantity,
    lower(status) as status,
    upper(currency) as currency,
    cast(amount_due_cents / 100 as decimal(12, 2)) as amount_due,
    cast(amount_paid_cents / 100 as decimal(12, 2)) as amount_paid,
    period_start at time zone 'UTC' as period_start,
    period_end at time zone 'UTC' as period_end,
    created_at at time zone 'UTC' as created_at,
    due_at at time zone 'UTC' as due_at,
    paid_at at time zone 'UTC' as paid_at,
    updated_at at time zone 'UTC' as updated_at
from latest
where subscription_id in (select subscription_id from {{ ref('stg_billing__subscription_history') }})
