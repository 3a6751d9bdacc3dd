-- Sales pipeline: every CRM deal as it stands now, with the customer it became and what they pay today.
with as_of as (
    select max(updated_at) as as_of from {{ ref('stg_crm__deals') }}
)
select
    d.deal_id,
    d.customer_id,
    d.company_name,
    d.stage,
    case d.stage
        when 'prospecting' then 1 when 'qualified' then 2 when 'proposal' then 3
        when 'negotiation' then 4 else 5
    end as stage_order,
    d.is_open,
    d.is_won,
    d.amount,
    d.currency,
    d.owner,
    d.created_at,
    cast(d.created_at as date) as created_date,
    d.closed_at,
    cast(d.closed_at as date) as closed_date,
    date_diff('day', d.created_at, coalesce(d.closed_at, a.as_of)) as age_days,
    c.status as customer_status,
    c.mrr as customer_mrr,
    d.updated_at
from {{ ref('stg_crm__deals') }} d
cross join as_of a
left join {{ ref('customers') }} c on c.customer_id = d.customer_id
