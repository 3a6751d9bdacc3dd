-- Every value a live deal's stage, pipeline, amount, close date and owner has had, with the
-- interval it was in force ([changed_at, valid_to)): what rebuilds a past month's open pipeline.
-- Read from the newest landed version of each deal that carries its history; HubSpot lists
-- history newest first, so within one timestamp the later entry in time is the one listed first.
with latest as (
    select id, propertiesWithHistory
    from {{ source('hubspot', 'deals') }}
    where propertiesWithHistory is not null
    qualify row_number() over (partition by id order by _dp_loaded_at desc, updatedAt desc nulls last) = 1
),
entries as (
    select
        l.id as deal_id,
        p.key as property,
        cast(e.key as integer) as position,
        e.value->>'value' as value,
        e.value->>'timestamp' as changed,
        e.value->>'sourceType' as source_type
    from latest l,
        json_each(l.propertiesWithHistory) p,
        json_each(p.value) e
),
typed as (
    select
        deal_id,
        property,
        position,
        value,
        try_cast(changed as timestamptz) at time zone 'UTC' as changed_at,
        source_type
    from entries
)
select
    h.deal_id,
    h.property,
    h.value,
    h.changed_at,
    lead(h.changed_at) over (partition by h.deal_id, h.property order by h.changed_at, h.position desc) as valid_to,
    h.source_type
from typed h
join {{ ref('stg_hubspot__deals') }} d on d.deal_id = h.deal_id
where h.changed_at is not null
