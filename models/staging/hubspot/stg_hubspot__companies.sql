-- One row per live HubSpot company: the newest landed version, deleted ones dropped, properties
-- cast. `domain_key` is the domain as customer matching compares it: lower-cased, trimmed,
-- without scheme, path or a leading "www." (no subdomain folding).
with latest as (
    select *
    from {{ source('hubspot', 'companies') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    qualify row_number() over (
        partition by id
        order by _dp_loaded_at desc, coalesce(archivedAt, updatedAt) desc nulls last, archived desc nulls last
    ) = 1
)
select
    id as company_id,
    nullif(trim(properties->>'name'), '') as company_name,
    nullif(trim(properties->>'domain'), '') as domain,
    nullif(
        regexp_replace(
            regexp_replace(lower(trim(coalesce(properties->>'domain', ''))), '^[a-z]+://', ''),
            '^www\.|[/?#].*$', '', 'g'),
        '') as domain_key,
    nullif(trim(properties->>'website'), '') as website,
    nullif(trim(properties->>'stripe_customer_id'), '') as stripe_customer_id,
    nullif(trim(properties->>'industry'), '') as industry,
    nullif(trim(properties->>'country'), '') as country,
    nullif(trim(properties->>'city'), '') as city,
    try_cast(nullif(trim(properties->>'numberofemployees'), '') as integer) as employees,
    try_cast(nullif(trim(properties->>'annualrevenue'), '') as decimal(18, 2)) as annual_revenue,
    nullif(trim(properties->>'lifecyclestage'), '') as lifecycle_stage,
    nullif(trim(properties->>'hubspot_owner_id'), '') as owner_id,
    createdAt at time zone 'UTC' as created_at,
    updatedAt at time zone 'UTC' as updated_at,
    _dp_loaded_at at time zone 'UTC' as loaded_at{% if is_incremental() %},
    coalesce(archived, false) as _dp_deleted{% else %}
{% endif %}
from latest
{% if is_incremental() %}{% else %}where not coalesce(archived, false){% endif %}
