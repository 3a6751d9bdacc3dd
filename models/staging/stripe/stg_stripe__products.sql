-- One row per product (what a plan is named after), newest state; deleted products stay, flagged,
-- because old invoices and subscriptions still name them.
select
    id as product_id,
    name as product_name,
    coalesce(active, false) as is_active,
    unit_label,
    description,
    type as product_type,
    coalesce(deleted, false) as is_deleted,
    make_timestamp(created * 1000000) as created_at
from {{ source('stripe', 'products') }}
qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
