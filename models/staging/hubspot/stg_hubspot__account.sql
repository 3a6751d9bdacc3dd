-- The HubSpot portal as the newest pull landed it (GET /account-info/v3/details): its id, time zone,
-- and company currency, the currency HubSpot puts a deal in when it carries no deal_currency_code.
-- No row when the pull could not read it (a private app without the `oauth` scope: the pull says so),
-- and the sales marts then fall back to vars.hubspot_company_currency.
select
    cast(portalId as varchar) as portal_id,
    nullif(trim(accountType), '') as account_type,
    nullif(trim(timeZone), '') as time_zone,
    nullif(upper(trim(companyCurrency)), '') as company_currency,
    list_transform(coalesce(from_json(additionalCurrencies, '["VARCHAR"]'), []), c -> upper(trim(c))) as additional_currencies,
    nullif(trim(utcOffset), '') as utc_offset,
    _dp_loaded_at at time zone 'UTC' as loaded_at
from {{ source('hubspot', 'account') }}
where portalId is not null
qualify row_number() over (order by _dp_loaded_at desc, portalId) = 1
