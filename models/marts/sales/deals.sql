-- One row per live deal as it stands now: its pipeline and stage with what they mean (open, won
-- or lost, from the stage's metadata, never its id), its owner (people who left included), its
-- primary company, its currency (deal_currency_code, else the portal's company currency), and for won
-- deals the sales cycle in UTC calendar days from create to close; each open deal's age at the newest pull.
-- the newest pull's UTC day: "now" for a deal's age (a quiet portal still moves with the pulls)
with as_of as (
    select cast(max(pulled_at) as date) as as_of_date
    from (
        select max(loaded_at) as pulled_at from {{ ref('stg_hubspot__deals') }}
        union all
        select {{ last_pull('hubspot') }}
    )
),
stages as (
    select * from {{ ref('stg_hubspot__pipeline_stages') }}
),
-- a stage id not in the deal's pipeline (a pipeline switch mid-sync) is looked up by id alone
stage_by_id as (
    select * from stages
    qualify row_number() over (partition by stage_id order by pipeline_id) = 1
),
primary_company as (
    select deal_id, company_id
    from {{ ref('stg_hubspot__deal_companies') }}
    qualify row_number() over (partition by deal_id order by is_primary desc, company_id) = 1
),
described as (
    select
        d.*,
        coalesce(s.pipeline_label, p.pipeline_label, d.pipeline_id) as pipeline,
        coalesce(s.stage_label, s2.stage_label, d.stage_id) as stage_label,
        coalesce(s.stage_order, s2.stage_order) as stage_order,
        coalesce(s.probability, s2.probability) as probability,
        coalesce(s.is_closed, s2.is_closed) as stage_is_closed,
        coalesce(s.is_won, s2.is_won) as stage_is_won,
        coalesce(s.is_lost, s2.is_lost) as stage_is_lost,
        o.owner_name,
        o.is_active as owner_is_active,
        pc.company_id,
        c.company_name,
        a.company_currency as account_currency,
        upper({{ var('hubspot_company_currency', none) }}) as var_currency
    from {{ ref('stg_hubspot__deals') }} d
    left join {{ ref('stg_hubspot__account') }} a on true
    left join stages s on s.pipeline_id = d.pipeline_id and s.stage_id = d.stage_id
    left join stage_by_id s2 on s.stage_id is null and s2.stage_id = d.stage_id
    left join {{ ref('stg_hubspot__pipelines') }} p on p.pipeline_id = d.pipeline_id
    left join {{ ref('stg_hubspot__owners') }} o on o.owner_id = d.owner_id
    left join primary_company pc on pc.deal_id = d.deal_id
    left join {{ ref('stg_hubspot__companies') }} c on c.company_id = pc.company_id
)
select
    deal_id,
    deal_name,
    pipeline_id,
    pipeline,
    stage_id,
    stage_label,
    pipeline || ' / ' || stage_label as stage,
    stage_order,
    probability,
    -- a stage no pipeline lists any more is neither open nor closed (the stage_known test warns)
    stage_is_closed = false as is_open,
    coalesce(stage_is_closed, false) as is_closed,
    coalesce(stage_is_won, false) as is_won,
    coalesce(stage_is_lost, false) as is_lost,
    amount,
    -- deal_currency_code, else the portal's company currency (HubSpot's account settings, else
    -- vars.hubspot_company_currency); never null, so no amount in an unknown currency is ranked or shown as dollars
    coalesce(currency, account_currency, var_currency, '(unknown currency)') as currency,
    case
        when currency is not null then 'deal_currency_code'
        when account_currency is not null then 'hubspot account company currency'
        when var_currency is not null then 'vars.hubspot_company_currency'
        else 'unknown'
    end as currency_source,
    owner_id,
    case when owner_id is null then '(no owner)' else coalesce(owner_name, 'owner ' || owner_id) end as owner,
    owner_is_active,
    company_id,
    company_name,
    created_at,
    cast(created_at as date) as created_date,
    closed_at,
    -- the close date: when it closed, or for an open deal the expected close date reps set
    cast(closed_at as date) as close_date,
    case when coalesce(stage_is_won, false) or coalesce(stage_is_lost, false)
         then cast(date_trunc('month', closed_at) as date) end as closed_month,
    case when coalesce(stage_is_won, false)
         then cast(date_diff('day', cast(created_at as date), cast(closed_at as date)) as integer) end as sales_cycle_days,
    (select as_of_date from as_of) as as_of_date,
    -- an open deal's age: UTC days from its create date to the newest pull's day (closed deals have none)
    case when stage_is_closed = false
         then cast(date_diff('day', cast(created_at as date), (select as_of_date from as_of)) as integer) end as age_days,
    -- a won or lost deal's days since its close date, to as_of_date (none for a close date after it)
    case when (coalesce(stage_is_won, false) or coalesce(stage_is_lost, false))
              and cast(closed_at as date) <= (select as_of_date from as_of)
         then cast(date_diff('day', cast(closed_at as date), (select as_of_date from as_of)) as integer) end as days_since_close,
    deal_type,
    closed_lost_reason,
    updated_at
from described
