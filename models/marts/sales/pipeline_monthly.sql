-- Open pipeline as a stock: the deals open at the last instant of each month (for the current
-- month, at the newest pull), by the stage and owner in force at that instant and at the amount in
-- force then. Rebuilt from property history, so a deal moved, re-priced or reassigned since counts
-- where it stood; a deal counts from its create date; a stage is open when its pipeline's metadata
-- says isClosed is false; deleted deals count nowhere; a deal without an amount counts and adds 0.
-- A month that has ended is counted from each deal's position kept at its month end
-- (stg_hubspot__deal_month_ends), the current month from the deals and their history now; the
-- labels, pipelines' stages and owners are today's for every month. Amounts are per deal currency
-- (today's deal_currency_code, else the portal's company currency from HubSpot's account settings, else
-- vars.hubspot_company_currency), converted to vars.reporting_currency with vars.fx_rates when
-- project.yaml sets them; a deal with none of these is '(unknown currency)', never converted.
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
months as (
    select cast(unnest(generate_series(
        date_trunc('month', (select min(created_at) from {{ ref('stg_hubspot__deals') }})),
        date_trunc('month', (select as_of from as_of)),
        interval 1 month)) as date) as month
),
instants as (
    select month, least(month + interval 1 month - interval 1 millisecond, (select as_of from as_of)) as stock_at
    from months
),
-- the months that ended before the newest pull: each deal's position kept from its month end
-- (stg_hubspot__deal_month_ends, computed once per deal and month); the current month: every deal now
past_positions as (
    select i.month, i.stock_at, p.deal_id, p.stage_id, p.pipeline_id, p.amount, p.owner_id
    from {{ ref('stg_hubspot__deal_month_ends') }} p
    join instants i using (month)
    where i.stock_at < (select as_of from as_of)
),
current_instants as (
    select month, stock_at from instants where stock_at >= (select as_of from as_of)
),
history as (
    select deal_id, property, value, changed_at, valid_to
    from {{ ref('stg_hubspot__deal_property_history') }}
    where property in ('dealstage', 'pipeline', 'amount', 'hubspot_owner_id')
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
    group by deal_id
),
deal_instants as (
    select d.deal_id, i.month, i.stock_at
    from {{ ref('stg_hubspot__deals') }} d
    join current_instants i on d.created_at <= i.stock_at
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
        di.month,
        di.stock_at,
        di.deal_id,
        case when coalesce(hh.stage, false) then f.stage_id else d.stage_id end as stage_id,
        case when coalesce(hh.pipeline, false) then f.pipeline_id else d.pipeline_id end as pipeline_id,
        case when coalesce(hh.amount, false) then try_cast(nullif(trim(f.amount), '') as decimal(18, 4))
             else d.amount end as amount,
        case when coalesce(hh.owner, false) then nullif(trim(f.owner_id), '') else d.owner_id end as owner_id
    from deal_instants di
    join {{ ref('stg_hubspot__deals') }} d on d.deal_id = di.deal_id
    left join in_force f on f.deal_id = di.deal_id and f.month = di.month
    left join has_history hh on hh.deal_id = di.deal_id
    union all
    select month, stock_at, deal_id, stage_id, pipeline_id, amount, owner_id from past_positions
),
stages as (
    select * from {{ ref('stg_hubspot__pipeline_stages') }}
),
stage_by_id as (
    select * from stages
    qualify row_number() over (partition by stage_id order by pipeline_id) = 1
),
open_positions as (
    select
        p.month,
        p.stock_at,
        coalesce(s.pipeline_id, s2.pipeline_id) as pipeline_id,
        coalesce(s.pipeline_label, s2.pipeline_label) as pipeline,
        p.stage_id,
        coalesce(s.stage_label, s2.stage_label) as stage_label,
        coalesce(s.stage, s2.stage) as stage,
        coalesce(s.stage_order, s2.stage_order) as stage_order,
        p.owner_id,
        case when p.owner_id is null then '(no owner)' else coalesce(o.owner_name, 'owner ' || p.owner_id) end as owner,
        coalesce(fx.reporting_currency, '(unknown currency)') as currency,
        p.amount * coalesce(fx.rate, 1) as amount
    from positions p
    -- the deal's currency now (deal_currency_code, else the company currency), converted as stg_hubspot__fx_rates says
    left join {{ ref('stg_hubspot__deals') }} cd on cd.deal_id = p.deal_id
    left join {{ ref('stg_hubspot__fx_rates') }} fx on fx.deal_currency is not distinct from cd.currency
    left join stages s on s.pipeline_id = p.pipeline_id and s.stage_id = p.stage_id
    left join stage_by_id s2 on s.stage_id is null and s2.stage_id = p.stage_id
    left join {{ ref('stg_hubspot__owners') }} o on o.owner_id = p.owner_id
    where coalesce(s.is_closed, s2.is_closed) = false
)
select
    month,
    stock_at,
    pipeline_id,
    pipeline,
    stage_id,
    stage_label,
    stage,
    stage_order,
    owner_id,
    owner,
    currency,
    count(*) as open_deals,
    cast(coalesce(sum(amount), 0) as decimal(18, 4)) as open_amount
from open_positions
group by all
