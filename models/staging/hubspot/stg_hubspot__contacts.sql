-- One row per live HubSpot contact: the newest landed version, deleted ones dropped, emails
-- lower-cased. `company_id` is the primary company HubSpot mirrors into `associatedcompanyid`.
with latest as (
    select *
    from {{ source('hubspot', 'contacts') }}
    qualify row_number() over (
        partition by id
        order by _dp_loaded_at desc, coalesce(archivedAt, updatedAt) desc nulls last, archived desc nulls last
    ) = 1
),
typed as (
    select
        id as contact_id,
        nullif(lower(trim(properties->>'email')), '') as email,
        nullif(trim(properties->>'firstname'), '') as first_name,
        nullif(trim(properties->>'lastname'), '') as last_name,
        nullif(trim(properties->>'company'), '') as company_name,
        nullif(trim(properties->>'jobtitle'), '') as job_title,
        nullif(trim(properties->>'lifecyclestage'), '') as lifecycle_stage,
        nullif(trim(properties->>'hubspot_owner_id'), '') as owner_id,
        nullif(trim(properties->>'associatedcompanyid'), '') as company_id,
        createdAt at time zone 'UTC' as created_at,
        updatedAt at time zone 'UTC' as updated_at
    from latest
    where not coalesce(archived, false)
)
select
    *,
    nullif(split_part(email, '@', 2), '') as email_domain
from typed
