-- One row per business customer, the way the playbook asks for it ("six systems → one row"): a
-- HubSpot company with the Stripe customers matched to it, a Stripe customer no company matched,
-- or a company with no billing. Billing, pipeline and ownership side by side, with how it matched.
with matches as (
    select * from {{ ref('customer_matches') }}
),
latest_mrr as (
    select customer_id, currency, mrr, is_active
    from {{ ref('customer_mrr_monthly') }}
    qualify row_number() over (partition by customer_id order by month desc) = 1
),
-- open deals at their amounts in the reporting currency when project.yaml converts (vars.reporting_currency,
-- fx_rates), else in their own; a company with open deals in several currencies is left null rather than summed
open_deal_amounts as (
    select
        d.company_id,
        coalesce(fx.reporting_currency, d.currency) as currency,
        d.amount * coalesce(fx.rate, 1) as amount
    from {{ ref('deals') }} d
    left join (select distinct currency, reporting_currency, rate from {{ ref('stg_hubspot__fx_rates') }}) fx
        on fx.currency = d.currency
    where d.is_open
),
open_deals as (
    select
        company_id,
        count(*) as open_deals,
        case when count(distinct currency) = 1 then coalesce(sum(amount), 0) end as open_pipeline,
        case when count(distinct currency) = 1 then any_value(currency) end as open_pipeline_currency
    from open_deal_amounts
    group by 1
),
companies as (
    select c.company_id, c.company_name, c.domain_key, o.owner_name
    from {{ ref('stg_hubspot__companies') }} c
    left join {{ ref('stg_hubspot__owners') }} o on o.owner_id = c.owner_id
),
rows as (
    select
        coalesce(m.company_id, m.customer_id) as account_id,
        m.company_id,
        m.customer_id,
        m.match_method,
        m.is_matched,
        coalesce(m.company_name, m.customer_name) as account_name,
        l.currency,
        l.mrr,
        coalesce(l.is_active, false) as is_paying
    from matches m
    left join latest_mrr l on l.customer_id = m.customer_id
)
select
    r.account_id,
    any_value(r.account_name) as account_name,
    any_value(r.company_id) as hubspot_company_id,
    list(r.customer_id order by r.customer_id) filter (where r.customer_id is not null) as stripe_customer_ids,
    -- the strongest evidence among the account's customers
    arg_min(r.match_method, case r.match_method
        when 'stripe_customer_id' then 1 when 'metadata.hubspot_company_id' then 2 when 'email_domain' then 3
        when 'company_only' then 4 when 'ambiguous_domain' then 5 when 'free_mail' then 6 when 'no_email' then 7
        else 8 end) as match_method,
    bool_or(r.is_matched) as is_matched,
    any_value(co.domain_key) as domain,
    any_value(co.owner_name) as owner,
    -- one currency per account in practice; accounts billing in several are left null rather than summed
    case when count(distinct r.currency) <= 1 then any_value(r.currency) end as currency,
    case when count(distinct r.currency) <= 1 then coalesce(sum(r.mrr), 0) end as mrr,
    bool_or(r.is_paying) as is_paying,
    coalesce(any_value(od.open_deals), 0) as open_deals,
    case when any_value(od.open_deals) is null then 0 else any_value(od.open_pipeline) end as open_pipeline,
    any_value(od.open_pipeline_currency) as open_pipeline_currency
from rows r
left join companies co on co.company_id = r.company_id
left join open_deals od on od.company_id = r.company_id
group by r.account_id
