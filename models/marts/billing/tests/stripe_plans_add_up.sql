-- The plans of a month add up to its MRR (a subscription's discounts are spread over its items).
-- Returns the months where they do not, to a hundredth of a cent (each plan is rounded on its own).
select m.month, m.currency, m.mrr, sum(p.mrr) as plans_mrr
from {{ ref('mrr_monthly') }} m
left join {{ ref('mrr_by_plan_monthly') }} p using (month, currency)
group by m.month, m.currency, m.mrr
having abs(m.mrr - coalesce(sum(p.mrr), 0)) > 0.0001
