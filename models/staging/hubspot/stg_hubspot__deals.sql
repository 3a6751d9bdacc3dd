-- One row per live HubSpot deal as it stands now. Raw is append-only and a pull may land a deal
-- twice, so the newest landed version wins (a deletion landed in the same pull wins a tie);
-- deleted (archived) deals are dropped. HubSpot sends every property as a string: each is cast
-- here, explicitly, so a property null in a whole batch never changes a type downstream.
with latest as (
    -- the columns read below: the window holds every row it ranks, and `*` carried each deal's
    -- propertiesWithHistory and associations too (≈130 MB of JSON at 100k customers, read by other models)
    select id, properties, createdAt, updatedAt, archived, archivedAt, _dp_loaded_at
    from {{ source('hubspot', 'deals') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    qualify row_number() over (
        partition by id
        order by _dp_loaded_at desc, coalesce(archivedAt, updatedAt) desc nulls last, archived desc nulls last
    ) = 1
),
props as (
    select
        id,
        archived,
        createdAt,
        updatedAt,
        _dp_loaded_at,
        nullif(trim(properties->>'dealname'), '') as dealname,
        nullif(properties->>'pipeline', '') as pipeline,
        nullif(properties->>'dealstage', '') as dealstage,
        nullif(trim(properties->>'amount'), '') as amount,
        nullif(trim(properties->>'deal_currency_code'), '') as currency,
        nullif(trim(properties->>'hubspot_owner_id'), '') as owner_id,
        nullif(trim(properties->>'createdate'), '') as createdate,
        nullif(trim(properties->>'closedate'), '') as closedate,
        nullif(trim(properties->>'dealtype'), '') as dealtype,
        nullif(trim(properties->>'closed_lost_reason'), '') as closed_lost_reason
    from latest
)
select
    id as deal_id,
    dealname as deal_name,
    pipeline as pipeline_id,
    dealstage as stage_id,
    try_cast(amount as decimal(18, 4)) as amount,
    upper(currency) as currency,
    owner_id,
    -- the createdate property (an import may backdate it), else when the record was made;
    -- datetime properties arrive as ISO strings, from older integrations as epoch milliseconds
    coalesce(
        case
            when createdate ~ '^[0-9]{10,}$' then epoch_ms(cast(createdate as bigint))
            when createdate ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then cast(cast(createdate as date) as timestamp)
            else try_cast(createdate as timestamptz) at time zone 'UTC'
        end,
        createdAt at time zone 'UTC') as created_at,
    case
        when closedate ~ '^[0-9]{10,}$' then epoch_ms(cast(closedate as bigint))
        when closedate ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then cast(cast(closedate as date) as timestamp)
        else try_cast(closedate as timestamptz) at time zone 'UTC'
    end as closed_at,
    dealtype as deal_type,
    closed_lost_reason,
    updatedAt at time zone 'UTC' as updated_at,
    _dp_loaded_at at time zone 'UTC' as loaded_at{% if is_incremental() %},
    coalesce(archived, false) as _dp_deleted{% else %}
{% endif %}
from props
{% if is_incremental() %}{% else %}where not coalesce(archived, false){% endif %}
