-- CRM deals as they stand now; amounts corrected after the close replace the original.
with latest as (
    select *
    from {{ source('crm', 'deals') }}
    qualify row_number() over (partition by deal_id order by updated_at desc, _dp_loaded_at desc) = 1
)
select
    deal_id,
    customer_id,
    trim(company_name) as company_name,
    lower(stage) as stage,
    lower(stage) not in ('closed_won', 'closed_lost') as is_open,
    lower(stage) = 'closed_won' as is_won,
    cast(amount_cents / 100 as decimal(14, 2)) as amount,
    upper(currency) as currency,
    lower(trim(owner)) as owner,
    created_at at time zone 'UTC' as created_at,
    closed_at at time zone 'UTC' as closed_at,
    updated_at at time zone 'UTC' as updated_at
from latest
