-- One row per Stripe customer in its newest state. A deleted customer is dropped here (Stripe keeps
-- only a stub); its subscriptions, invoices and charges keep its id, so its history still counts.
with latest as (
    select *
    from {{ source('stripe', 'customers') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
)
select
    id as customer_id,
    name as customer_name,
    lower(trim(email)) as email,
    nullif(split_part(lower(trim(email)), '@', 2), '') as email_domain,
    lower(currency) as currency,
    address ->> '$.country' as country,
    coalesce(delinquent, false) as is_delinquent,
    description,
    metadata,
    make_timestamp(created * 1000000) as created_at,
    timezone('UTC', _dp_loaded_at) as loaded_at{% if is_incremental() %},
    coalesce(deleted, false) as _dp_deleted{% else %}
{% endif %}
from latest
{% if is_incremental() %}{% else %}where not coalesce(deleted, false){% endif %}
