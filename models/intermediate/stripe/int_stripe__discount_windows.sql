-- When each discount reduces MRR: from its start; a repeating coupon until the discount's `end`
-- (start + duration_in_months); a once coupon only during the billing period running at its start
-- (the period of the invoice line that covered the start, else the subscription's current period);
-- a forever coupon always. Percent-off multiplies; amount-off is per invoice, so it comes off MRR
-- normalized like a price (amount × the subscription's monthly factor).
with discounts as (
    select d.*, c.percent_off, c.amount_off, c.duration
    from {{ ref('stg_stripe__discounts') }} d
    join {{ ref('stg_stripe__coupons') }} c using (coupon_id)
    where d.subscription_id is not null
),
period_at_start as (
    select d.discount_id, min(l.period_end_at) as period_end_at
    from discounts d
    join {{ ref('stg_stripe__invoice_lines') }} l
      on l.subscription_id = d.subscription_id
     and not l.is_proration
     and l.subscription_item_id is not null
     and l.period_start_at <= d.started_at
     and d.started_at < l.period_end_at
    group by all
)
select
    d.discount_id,
    d.subscription_id,
    d.coupon_id,
    d.duration,
    d.percent_off,
    d.amount_off,
    d.started_at as in_force_from,
    case d.duration
        when 'repeating' then d.ends_at
        when 'once' then coalesce(p.period_end_at, s.current_period_end_at)
    end as in_force_until
from discounts d
left join period_at_start p using (discount_id)
left join {{ ref('stg_stripe__subscriptions') }} s using (subscription_id)
