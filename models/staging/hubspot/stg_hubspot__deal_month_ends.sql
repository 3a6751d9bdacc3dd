-- Each live deal's stage, pipeline, amount and owner in force at the last instant of every month that ended
-- before the newest pull, from the month the deal was created: what pipeline_monthly counts its past months
-- from. A value in force is read from the deal's property history; a property the deal has no history for at
-- all falls back to its value now.
--
-- A past month end's position depends on the deal's own rows only, so it is computed once and kept.
-- inputs_hash: the deal's row and its history, hashed. Incremental: a build recomputes every month end of
-- the deals whose hash moved (new or changed; a deal re-landed unchanged is not one) and every deal at the
-- month ends that ended since the last build, merges them by (deal_id, month), and removes the rows of
-- deals gone and of month ends no longer past.
with as_of as (
    select max(pulled_at) as as_of
    from (
        select max(newest_pull_at) as pulled_at from {{ ref('stg_hubspot__pipelines') }}
        union all
        select max(loaded_at) from {{ ref('stg_hubspot__deals') }}
        union all
        -- the last pull's day: a quiet portal (nothing landed for days) still reaches a new month
        select {{ last_pull('hubspot') }}
    )
),
month_ends as (
    -- the instants pipeline_monthly reads a month at (least(month end, as_of)) that are month ends
    select month, month + interval 1 month - interval 1 millisecond as stock_at
    from (
        select cast(unnest(generate_series(
            date_trunc('month', (select min(created_at) from {{ ref('stg_hubspot__deals') }})),
            date_trunc('month', (select as_of from as_of)),
            interval 1 month)) as date) as month
    )
    where month + interval 1 month - interval 1 millisecond < (select as_of from as_of)
),
-- not materialized: each is read three times, and DuckDB would otherwise hold the whole CTE in memory (at 97k
-- customers the model ran out of memory under a 500MB warehouse.memory_limit; streamed, it peaks at 740 MB RSS)
deals as not materialized (
    select deal_id, created_at, stage_id, pipeline_id, amount, owner_id
    from {{ ref('stg_hubspot__deals') }}
),
history as not materialized (
    -- the four properties read (closedate is not)
    select deal_id, property, value, changed_at, valid_to
    from {{ ref('stg_hubspot__deal_property_history') }}
    where property in ('dealstage', 'pipeline', 'amount', 'hubspot_owner_id')
),
inputs as (
    select d.deal_id, hash(d.created_at, d.stage_id, d.pipeline_id, d.amount, d.owner_id, h.h) as inputs_hash
    from deals d
    left join (
        select deal_id, sum(hash(property, value, changed_at, valid_to)) as h
        from history
        group by all
    ) h using (deal_id)
),
{% if is_incremental() %}
touched as (
    select i.deal_id
    from inputs i
    left join (select deal_id, any_value(inputs_hash) as inputs_hash from {{ this }} group by all) t using (deal_id)
    where i.inputs_hash is distinct from t.inputs_hash
),
new_months as (
    select month from month_ends where month not in (select month from {{ this }} group by all)
),
{% endif %}
deal_instants as (
    select d.deal_id, m.month, m.stock_at
    from deals d
    join month_ends m on d.created_at <= m.stock_at
    {% if is_incremental() %}where d.deal_id in (select deal_id from touched) or m.month in (select month from new_months){% endif %}
),
-- a property a deal has no history for at all (history not landed) falls back to its value now
has_history as (
    select
        deal_id,
        bool_or(property = 'dealstage') as stage,
        bool_or(property = 'pipeline') as pipeline,
        bool_or(property = 'amount') as amount,
        bool_or(property = 'hubspot_owner_id') as owner
    from history
    {% if is_incremental() %}where deal_id in (select deal_id from deal_instants){% endif %}
    group by deal_id
),
-- an equality join on the deal, then the interval as a filter: DuckDB hashes it instead of
-- looping over every (deal, instant) × history pair
in_force as (
    select
        di.deal_id,
        di.month,
        max(h.value) filter (where h.property = 'dealstage') as stage_id,
        max(h.value) filter (where h.property = 'pipeline') as pipeline_id,
        max(h.value) filter (where h.property = 'amount') as amount,
        max(h.value) filter (where h.property = 'hubspot_owner_id') as owner_id
    from deal_instants di
    join history h on h.deal_id = di.deal_id
    where h.changed_at <= di.stock_at and (h.valid_to is null or h.valid_to > di.stock_at)
    group by di.deal_id, di.month
),
positions as (
    select
        di.deal_id,
        di.month,
        case when coalesce(hh.stage, false) then f.stage_id else d.stage_id end as stage_id,
        case when coalesce(hh.pipeline, false) then f.pipeline_id else d.pipeline_id end as pipeline_id,
        case when coalesce(hh.amount, false) then try_cast(nullif(trim(f.amount), '') as decimal(18, 4))
             else d.amount end as amount,
        case when coalesce(hh.owner, false) then nullif(trim(f.owner_id), '') else d.owner_id end as owner_id
    from deal_instants di
    join deals d on d.deal_id = di.deal_id
    left join in_force f on f.deal_id = di.deal_id and f.month = di.month
    left join has_history hh on hh.deal_id = di.deal_id
)
select p.*, i.inputs_hash
from positions p
join inputs i using (deal_id)
{% if is_incremental() %}union all by name
select t.deal_id, t.month, true as _dp_deleted
from {{ this }} t
where (t.deal_id in (select deal_id from touched) or t.deal_id not in (select deal_id from inputs)
        or t.month not in (select month from month_ends))
    and not exists (select 1 from deal_instants di where di.deal_id = t.deal_id and di.month = t.month)
{% endif %}
