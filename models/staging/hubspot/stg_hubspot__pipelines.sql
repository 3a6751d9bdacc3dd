-- Every deal pipeline ever landed. Pipelines land whole each pull, so one missing from the
-- newest pull was deleted in HubSpot (`is_current` false); its deals keep their labels.
with landed as (
    select *, max(_dp_loaded_at) over () as newest_pull
    from {{ source('hubspot', 'pipelines') }}
),
latest as (
    select *
    from landed
    qualify row_number() over (partition by id order by _dp_loaded_at desc, updatedAt desc nulls last) = 1
)
select
    id as pipeline_id,
    trim(label) as pipeline_label,
    displayOrder as pipeline_order,
    not coalesce(archived, false) and _dp_loaded_at = newest_pull as is_current,
    createdAt at time zone 'UTC' as created_at,
    updatedAt at time zone 'UTC' as updated_at,
    _dp_loaded_at at time zone 'UTC' as loaded_at,
    newest_pull at time zone 'UTC' as newest_pull_at
from latest
