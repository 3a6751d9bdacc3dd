-- The customers left out of every billing metric (ChartMogul's "exclude customers from metrics"): the
-- team's own test accounts, staff, partners billed for show. Their subscriptions count 0 MRR, their
-- charges and refunds are no revenue, their trials no conversions; the customers and subscriptions marts
-- keep their rows, flagged. project.yaml `vars:`, any of (all empty by default):
--   excluded_customer_ids: [cus_…]                     Stripe customer ids (a deleted customer too)
--   excluded_email_domains: [example.com]              the email's domain, exactly, any case
--   excluded_customer_names: ["test %"]                LIKE patterns on the name, any case
--   excluded_customer_metadata: { internal: "true" }   a metadata key holding that value
-- One row per excluded customer, with every rule that caught it.
with rules as (
    select
        cast({{ var('excluded_customer_ids', []) }} as varchar[]) as ids,
        [lower(trim(d)) for d in cast({{ var('excluded_email_domains', []) }} as varchar[])] as domains,
        cast({{ var('excluded_customer_names', []) }} as varchar[]) as names,
        map_entries({{ var('excluded_customer_metadata', {}) }}) as metadata
),
customers as (
    select customer_id, email_domain, trim(cast(customer_name as varchar)) as customer_name, metadata
    from {{ ref('stg_stripe__customers') }}
),
caught as (
    select unnest(r.ids) as customer_id, 'customer id' as rule
    from rules r
    union all
    select c.customer_id, 'email domain ' || c.email_domain
    from customers c, rules r
    where list_contains(r.domains, c.email_domain)
    union all
    select c.customer_id, 'name like ''' || p || ''''
    from customers c, rules r, unnest(r.names) as t(p)
    where c.customer_name ilike p
    union all
    select c.customer_id, 'metadata.' || m.key || ' = ' || cast(m.value as varchar)
    from customers c, rules r, unnest(r.metadata) as t(m)
    where c.metadata ->> ('$."' || m.key || '"') = cast(m.value as varchar)
)
select customer_id, string_agg(distinct rule, '; ' order by rule) as excluded_because
from caught
where customer_id is not null
group by customer_id
