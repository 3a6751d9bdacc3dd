-- One row per live HubSpot contact: the newest landed version, deleted ones dropped, emails
-- lower-cased. `company_id` is the primary company HubSpot mirrors into `associatedcompanyid`.
with latest as (
    select *
    from {{ source('hubspot', 'contacts') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
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
        updatedAt at time zone 'UTC' as updated_at,
        _dp_loaded_at at time zone 'UTC' as loaded_at{% if is_incremental() %},
        coalesce(archived, false) as _dp_deleted{% else %}
{% endif %}
    from latest
    {% if is_incremental() %}{% else %}where not coalesce(archived, false){% endif %}
)
select
    *,
    nullif(split_part(email, '@', 2), '') as email_domain
from typed
