-- Every Stripe customer with the HubSpot company it is, and how that was decided; then every live
-- company no customer matched. The order of evidence: the company names the customer (its
-- stripe_customer_id property), the customer names a live company (metadata.hubspot_company_id),
-- else the customer's email domain equals exactly one company's domain. Mailbox providers never
-- match, and a domain two companies share is flagged, not guessed. Customers the billing pack excludes
-- (int_stripe__excluded_customers: test accounts) stay, flagged, and the match rate leaves them out.
with customers as (
    select
        customer_id,
        customer_name,
        email,
        email_domain,
        nullif(trim(metadata ->> '$.hubspot_company_id'), '') as named_company_id
    from {{ ref('stg_stripe__customers') }}
),
companies as (
    select company_id, company_name, domain_key, stripe_customer_id, owner_id
    from {{ ref('stg_hubspot__companies') }}
),
free_mail(domain) as (
    select unnest([
        'gmail.com', 'googlemail.com', 'yahoo.com', 'ymail.com', 'outlook.com', 'hotmail.com', 'live.com',
        'msn.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com',
        'gmx.de', 'web.de', 'yandex.com', 'mail.com', 'zoho.com', 'fastmail.com', 'hey.com'
    ])
),
-- a company naming the customer; two companies naming one customer: the oldest id wins
named_by_company as (
    select stripe_customer_id as customer_id, min(company_id) as company_id
    from companies
    where stripe_customer_id is not null
    group by 1
),
domains as (
    select domain_key, min(company_id) as company_id, count(*) as companies
    from companies
    where domain_key is not null
    group by 1
),
decided as (
    select
        c.customer_id,
        c.customer_name,
        c.email_domain,
        case
            when nc.company_id is not null then nc.company_id
            when named.company_id is not null then named.company_id
            when c.email_domain is null or c.email_domain in (select domain from free_mail) then null
            when d.companies = 1 then d.company_id
        end as company_id,
        case
            when nc.company_id is not null then 'stripe_customer_id'
            when named.company_id is not null then 'metadata.hubspot_company_id'
            when c.email_domain is null then 'no_email'
            when c.email_domain in (select domain from free_mail) then 'free_mail'
            when d.companies > 1 then 'ambiguous_domain'
            when d.companies = 1 then 'email_domain'
            else 'no_match'
        end as match_method
    from customers c
    left join named_by_company nc on nc.customer_id = c.customer_id
    left join companies named on named.company_id = c.named_company_id
    left join domains d on d.domain_key = c.email_domain
)
-- as of the last Stripe pull's day even when nothing landed since (int_stripe__month_ends.now_at reads
-- last_pull() of the stripe pack's own source, whatever its name: this bridge names no source)
select
    greatest((select max(loaded_at) from {{ ref('stg_stripe__customers') }}), (select max(now_at) from {{ ref('int_stripe__month_ends') }}))::date as as_of_date,
    d.customer_id,
    d.company_id,
    d.match_method,
    d.company_id is not null as is_matched,
    d.customer_name,
    co.company_name,
    d.email_domain,
    x.customer_id is not null as is_excluded
from decided d
left join companies co on co.company_id = d.company_id
left join {{ ref('int_stripe__excluded_customers') }} x on x.customer_id = d.customer_id
union all
select
    greatest((select max(loaded_at) from {{ ref('stg_stripe__customers') }}), (select max(now_at) from {{ ref('int_stripe__month_ends') }}))::date,
    null, co.company_id, 'company_only', false, null, co.company_name, co.domain_key, false
from companies co
where co.company_id not in (select company_id from decided where company_id is not null)
