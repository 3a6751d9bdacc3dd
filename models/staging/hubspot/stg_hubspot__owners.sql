-- Every HubSpot owner ever landed, those who left (archived) included: deals keep pointing at
-- them. `owner_name` is "First Last", else the email.
with latest as (
    select *
    from {{ source('hubspot', 'owners') }}
    qualify row_number() over (partition by id order by _dp_loaded_at desc, updatedAt desc nulls last) = 1
)
select
    id as owner_id,
    coalesce(
        nullif(trim(concat_ws(' ', nullif(trim(firstName), ''), nullif(trim(lastName), ''))), ''),
        nullif(lower(trim(email)), ''),
        'owner ' || id) as owner_name,
    nullif(trim(firstName), '') as first_name,
    nullif(trim(lastName), '') as last_name,
    nullif(lower(trim(email)), '') as email,
    coalesce(userId, userIdIncludingInactive) as user_id,
    lower(type) as owner_type,
    teams->0->>'name' as team,
    not coalesce(archived, false) as is_active,
    createdAt at time zone 'UTC' as created_at,
    updatedAt at time zone 'UTC' as updated_at
from latest
