-- The plans of a month add up to its MRR exactly (a subscription's discounts are spread over its items).
-- Both sum the same item amounts, each rounded once to a millionth before any sum, as DECIMAL: a
-- tolerance here would hide drift that grows with the number of customers (it did, at 97k).
-- Returns the months where they differ.
select m.month, m.currency, m.mrr, sum(p.mrr) as plans_mrr
from {{ ref('mrr_monthly') }} m
left join {{ ref('mrr_by_plan_monthly') }} p using (month, currency)
group by m.month, m.currency, m.mrr
having m.mrr <> coalesce(sum(p.mrr), 0)
