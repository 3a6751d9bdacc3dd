-- One row per deal stage, from each pipeline's `stages`. What a stage means comes from its
-- metadata, never its id: closed (`isClosed`) with probability 1.0 is won, with 0.0 lost — a
-- custom pipeline's won stage is a number like "2784523", not "closedwon".
with latest as (
    select id, label, stages
    from {{ source('hubspot', 'pipelines') }}
    qualify row_number() over (partition by id order by _dp_loaded_at desc, updatedAt desc nulls last) = 1
),
stages as (
    select
        id as pipeline_id,
        trim(label) as pipeline_label,
        unnest(from_json(stages, '[{
            "id": "VARCHAR", "label": "VARCHAR", "displayOrder": "VARCHAR", "archived": "VARCHAR",
            "metadata": {"isClosed": "VARCHAR", "probability": "VARCHAR"}
        }]')) as s
    from latest
),
typed as (
    select
        pipeline_id,
        pipeline_label,
        s.id as stage_id,
        trim(s.label) as stage_label,
        try_cast(s.displayOrder as integer) as stage_order,
        lower(s.metadata.isClosed) = 'true' as is_closed,
        try_cast(s.metadata.probability as double) as probability,
        coalesce(lower(s.archived) = 'true', false) as is_archived
    from stages
)
select
    pipeline_id,
    pipeline_label,
    stage_id,
    stage_label,
    pipeline_label || ' / ' || stage_label as stage,
    stage_order,
    coalesce(is_closed, false) as is_closed,
    probability,
    coalesce(is_closed, false) and probability = 1 as is_won,
    coalesce(is_closed, false) and probability = 0 as is_lost,
    is_archived
from typed
