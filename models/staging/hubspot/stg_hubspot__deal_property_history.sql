-- Every value a live deal's stage, pipeline, amount, close date and owner has had, with the
-- interval it was in force ([changed_at, valid_to)): what rebuilds a past month's open pipeline.
-- Read from the newest landed version of each deal that carries its history; HubSpot lists
-- history newest first, so within one timestamp the entry listed first is the later one.
with latest as (
    select id, propertiesWithHistory, _dp_loaded_at
    from {{ source('hubspot', 'deals') }}
    where propertiesWithHistory is not null
    {% if is_incremental() %}and _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    qualify row_number() over (partition by id order by _dp_loaded_at desc, updatedAt desc nulls last) = 1
),
-- a typed read of the five histories (fields HubSpot adds to an entry are ignored): far faster than json_each
parsed as (
    select
        id as deal_id,
        from_json(propertiesWithHistory, '{
            "dealstage": [{"value": "VARCHAR", "timestamp": "VARCHAR", "sourceType": "VARCHAR"}],
            "pipeline": [{"value": "VARCHAR", "timestamp": "VARCHAR", "sourceType": "VARCHAR"}],
            "amount": [{"value": "VARCHAR", "timestamp": "VARCHAR", "sourceType": "VARCHAR"}],
            "closedate": [{"value": "VARCHAR", "timestamp": "VARCHAR", "sourceType": "VARCHAR"}],
            "hubspot_owner_id": [{"value": "VARCHAR", "timestamp": "VARCHAR", "sourceType": "VARCHAR"}]
        }') as h
    from latest
),
-- one list per property, unnested once: several times faster than unnesting a list of the five
histories as (
    select deal_id, 'dealstage' as property, h.dealstage as entries from parsed
    union all
    select deal_id, 'pipeline' as property, h.pipeline as entries from parsed
    union all
    select deal_id, 'amount' as property, h.amount as entries from parsed
    union all
    select deal_id, 'closedate' as property, h.closedate as entries from parsed
    union all
    select deal_id, 'hubspot_owner_id' as property, h.hubspot_owner_id as entries from parsed
),
entries as (
    select
        deal_id,
        property,
        unnest(list_transform(
            entries,
            (x, i) -> {'value': x.value, 'changed': x.timestamp, 'source_type': x.sourceType, 'position': i}
        )) as e
    from histories
),
typed as (
    select
        deal_id,
        property,
        e.position,
        e.value,
        try_cast(e.changed as timestamptz) at time zone 'UTC' as changed_at,
        e.source_type
    from entries
)
select
    h.deal_id,
    h.property,
    h.value,
    h.changed_at,
    lead(h.changed_at) over (partition by h.deal_id, h.property order by h.changed_at, h.position desc) as valid_to,
    h.source_type,
    -- when the pull that landed this history ran
    l._dp_loaded_at at time zone 'UTC' as loaded_at{% if is_incremental() %},
    false as _dp_deleted{% else %}
{% endif %}
from typed h
join {{ ref('stg_hubspot__deals') }} d on d.deal_id = h.deal_id
join latest l on l.id = h.deal_id
where h.changed_at is not null
-- an incremental build replaces the whole history of each deal landed since the last (unique_key:
-- deal_id); a deal landed archived leaves with its history
{% if is_incremental() %}union all by name
select id as deal_id, true as _dp_deleted
from {{ source('hubspot', 'deals') }}
where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }})
    and id not in (select deal_id from {{ ref('stg_hubspot__deals') }})
group by id{% endif %}
