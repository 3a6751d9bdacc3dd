-- Support tickets as they stand now (open → pending → closed), test accounts out.
with latest as (
    select *
    from {{ source('support', 'tickets') }}
    -- incremental: every landing of each ticket landed since the last build (the newest update wins,
    -- whenever it landed), and of each ticket whose customer left billing since (deleted below)
    {% if is_incremental() %}where ticket_id in (
        select ticket_id from {{ source('support', 'tickets') }}
        where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }})
        union all
        select ticket_id from {{ this }}
        where customer_id not in (
            select customer_id from {{ ref('stg_stripe__customers') }}
            where email not like '%@example.com' and upper(customer_name) not like 'TEST %'
        )
    ){% endif %}
    qualify row_number() over (partition by ticket_id order by updated_at desc, _dp_loaded_at desc) = 1
),
staged as (
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
        updated_at at time zone 'UTC' as updated_at,
        _dp_loaded_at at time zone 'UTC' as loaded_at,
        -- customers billing knows, test accounts out (the demo's Stripe account has some, as real ones do);
        -- an incremental build deletes a ticket whose customer no longer is
        not coalesce(customer_id in (
            select customer_id from {{ ref('stg_stripe__customers') }}
            where email not like '%@example.com' and upper(customer_name) not like 'TEST %'
        ), false) as _dp_deleted
    from latest
)
{% if is_incremental() %}select * from staged{% else %}select * exclude (_dp_deleted) from staged where not _dp_deleted{% endif %}
