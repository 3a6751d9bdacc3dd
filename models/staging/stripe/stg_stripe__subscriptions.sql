-- One row per subscription in its newest state, canceled ones included (they are the churn).
-- Since Stripe's 2025-03-31 API the billing period lives on the items; the first item's is shown here.
-- `items` and `discounts` keep Stripe's JSON for the billing marts (stg_stripe__subscription_items
-- and stg_stripe__discounts are the same lists as rows).
select
    id as subscription_id,
    customer as customer_id,
    status,
    lower(currency) as currency,
    collection_method,
    make_timestamp(created * 1000000) as created_at,
    make_timestamp(start_date * 1000000) as started_at,
    make_timestamp(trial_start * 1000000) as trial_start_at,
    make_timestamp(trial_end * 1000000) as trial_end_at,
    coalesce(cancel_at_period_end, false) as cancel_at_period_end,
    make_timestamp(cancel_at * 1000000) as cancel_at,
    make_timestamp(canceled_at * 1000000) as canceled_at,
    make_timestamp(ended_at * 1000000) as ended_at,
    cancellation_details ->> '$.reason' as cancellation_reason,
    pause_collection ->> '$.behavior' as pause_collection_behavior,
    make_timestamp(cast(pause_collection ->> '$.resumes_at' as bigint) * 1000000) as pause_collection_resumes_at,
    make_timestamp(billing_cycle_anchor * 1000000) as billing_cycle_anchor_at,
    make_timestamp(cast(items ->> '$.data[0].current_period_start' as bigint) * 1000000) as current_period_start_at,
    make_timestamp(cast(items ->> '$.data[0].current_period_end' as bigint) * 1000000) as current_period_end_at,
    latest_invoice as latest_invoice_id,
    items,
    discounts,
    metadata,
    timezone('UTC', _dp_loaded_at) as loaded_at
from {{ source('stripe', 'subscriptions') }}
{% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
