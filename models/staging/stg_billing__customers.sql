-- Billing accounts: the latest version of each, emails normalised, internal test accounts removed.
with latest as (
    select *
    from {{ source('billing', 'customers') }}
    qualify row_number() over (partition by customer_id order by updated_at desc, _dp_loaded_at desc) = 1
)
select
    customer_id,
    trim(name) as customer_name,
    lower(trim(email)) as email,
    split_part(lower(trim(email)), '@', 2) as email_domain,
    upper(nullif(trim(country), '')) as country,
    nullif(trim(company_size), '') as company_size,
    industry,
    created_at at time zone 'UTC' as created_at,
    updated_at at time zone 'UTC' as updated_at
from latest
where lower(trim(email)) not like '%@example.com'
  and upper(trim(name)) not like 'TEST %'
