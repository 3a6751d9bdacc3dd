-- Support tickets as they stand now (open → pending → closed), test accounts out.
with latest as (
    select *
    from {{ source('support', 'tickets') }}
    qualify row_number() over (partition by ticket_id order by updated_at desc, _dp_loaded_at desc) = 1
)
select
    ticket_id,
    customer_id,
    subject,
    channel,
    lower(priority) as priority,
    lower(status) as status,
    opened_at at time zone 'UTC' as opened_at,
    first_response_at at time zone 'UTC' as first_response_at,
    first_response_minutes,
    closed_at at time zone 'UTC' as closed_at,
    cast(round(date_diff('minute', opened_at, closed_at) / 60, 1) as decimal(10, 1)) as resolution_hours,
    satisfaction,
    updated_at at time zone 'UTC' as updated_at
from latest
-- customers billing knows, test accounts out (the demo's Stripe account has some, as real ones do)
where customer_id in (
    select customer_id from {{ ref('stg_stripe__customers') }}
    where email not like '%@example.com' and upper(customer_name) not like 'TEST %'
)
