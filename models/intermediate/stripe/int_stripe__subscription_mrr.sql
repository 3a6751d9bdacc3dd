-- MRR of each subscription at each month end, by product: every licensed recurring item's unit
-- amount × quantity × monthly factor, less the discounts in force at that instant (spread over the
-- items pro rata), never below 0; 0 unless the subscription counts then (int_stripe__subscription_states).
-- Metered prices, one-time prices and tax are never MRR. Amounts in the subscription's currency.
-- The customers int_stripe__excluded_customers names (test accounts) have no MRR at all.
--
-- inputs_hash: what a subscription's rows are computed from besides the instant (its states' inputs_hash, its
-- discount windows, whether its customer is excluded, the prices), hashed. Incremental: a build recomputes every
-- month of the subscriptions whose hash moved or that have no rows here, and every subscription at the month
-- ends whose instant moved (the current month, each pull), merges by (subscription_id, month, product_id) and
-- removes the rows those no longer give.
with inputs as (
    select
        s.subscription_id,
        hash(
            any_value(s.inputs_hash),
            bool_or(x.customer_id is not null),
            any_value(w.h),
            (
                select sum(hash(price_id, product_id, unit_amount, monthly_factor, price_type, usage_type, billing_scheme))
                from {{ ref('stg_stripe__prices') }}
            )
        ) as inputs_hash
    from {{ ref('int_stripe__subscription_states') }} s
    left join {{ ref('int_stripe__excluded_customers') }} x using (customer_id)
    left join (
        select subscription_id, sum(hash(discount_id, percent_off, amount_off, in_force_from, in_force_until)) as h
        from {{ ref('int_stripe__discount_windows') }}
        group by all
    ) w using (subscription_id)
    group by s.subscription_id
),
{% if is_incremental() %}
touched as (
    select i.subscription_id
    from inputs i
    left join (select subscription_id, any_value(inputs_hash) as inputs_hash from {{ this }} group by all) t using (subscription_id)
    where i.inputs_hash is distinct from t.inputs_hash
    union
    select subscription_id from {{ this }} where subscription_id not in (select subscription_id from inputs)
),
moved as (
    select s.month
    from (select month, any_value(as_of) as as_of from {{ ref('int_stripe__subscription_states') }} group by all) s
    left join (select month, any_value(as_of) as as_of from {{ this }} group by all) t using (month)
    where s.as_of is distinct from t.as_of
    union
    select month from {{ this }} where month not in (select month from {{ ref('int_stripe__subscription_states') }})
),
{% endif %}
states as (
    select s.*
    from {{ ref('int_stripe__subscription_states') }} s
    anti join {{ ref('int_stripe__excluded_customers') }} x using (customer_id)
    {% if is_incremental() %}where s.subscription_id in (select subscription_id from touched)
        or s.month in (select month from moved){% endif %}
),
items as (
    select s.subscription_id, s.month, s.as_of, unnest(s.items) as item
    from states s
    where s.is_counted
),
priced as (
    select
        i.subscription_id,
        i.month,
        i.as_of,
        p.product_id,
        p.monthly_factor,
        p.unit_amount * i.item.quantity * p.monthly_factor as gross
    from items i
    join {{ ref('stg_stripe__prices') }} p on p.price_id = i.item.price_id
    where p.price_type = 'recurring' and p.usage_type = 'licensed' and p.billing_scheme = 'per_unit'
),
gross as (
    select subscription_id, month, any_value(as_of) as as_of, sum(gross) as gross, max(monthly_factor) as monthly_factor
    from priced
    group by all
),
discount_hits as (
    -- the discounts in force at the instant, found by an equality join on the subscription (as one left join
    -- with the interval and list conditions DuckDB compared every row with every window: half this model's time)
    select g.subscription_id, g.month, w.percent_off, w.amount_off
    from gross g
    join states s using (subscription_id, month)
    join {{ ref('int_stripe__discount_windows') }} w on w.subscription_id = g.subscription_id
    where list_contains(s.discount_ids, w.discount_id)
      and g.as_of >= w.in_force_from
      and (w.in_force_until is null or g.as_of < w.in_force_until)
),
discount_totals as (
    select
        subscription_id,
        month,
        product(1 - percent_off / 100) filter (where percent_off is not null) as percent_factor,
        sum(amount_off) filter (where amount_off is not null) as amount_off
    from discount_hits
    group by all
),
discounted as (
    select
        g.subscription_id,
        g.month,
        g.gross,
        coalesce(t.percent_factor, 1) as percent_factor,
        coalesce(t.amount_off, 0) * g.monthly_factor as amount_off
    from gross g
    left join discount_totals t using (subscription_id, month)
),
computed as (
    select
        p.subscription_id,
        s.customer_id,
        s.currency,
        p.month,
        p.product_id,
        s.is_past_due,
        s.rebuilt_from,
        case when d.gross > 0 then sum(p.gross) * greatest(d.gross * d.percent_factor - d.amount_off, 0) / d.gross else 0 end as mrr,
        s.as_of,
        i.inputs_hash
    from priced p
    join discounted d using (subscription_id, month)
    join states s using (subscription_id, month)
    join inputs i using (subscription_id)
    group by p.subscription_id, s.customer_id, s.currency, p.month, p.product_id, s.is_past_due, s.rebuilt_from, d.gross,
        d.percent_factor, d.amount_off, s.as_of, i.inputs_hash
)
select * from computed
{% if is_incremental() %}union all by name
select t.subscription_id, t.month, t.product_id, true as _dp_deleted
from {{ this }} t
where (t.subscription_id in (select subscription_id from touched) or t.month in (select month from moved))
    and not exists (
        select 1 from computed c
        where c.subscription_id = t.subscription_id and c.month = t.month and c.product_id = t.product_id
    )
{% endif %}
