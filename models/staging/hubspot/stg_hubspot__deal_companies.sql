-- Which companies each live deal is associated with (HubSpot's v3 inline associations): a
-- primary company is listed twice, as "deal_to_company" and "deal_to_company_unlabeled".
with latest as (
    select id, associations
    from {{ source('hubspot', 'deals') }}
    where associations is not null
    qualify row_number() over (partition by id order by _dp_loaded_at desc, updatedAt desc nulls last) = 1
),
links as (
    select
        id as deal_id,
        unnest(from_json(associations, '{"companies": {"results": [{"id": "VARCHAR", "type": "VARCHAR"}]}}')
            .companies.results) as a
    from latest
)
select
    k.deal_id,
    k.a.id as company_id,
    bool_or(k.a.type = 'deal_to_company') as is_primary
from links k
join {{ ref('stg_hubspot__deals') }} d on d.deal_id = k.deal_id
where k.a.id is not null
group by k.deal_id, k.a.id
