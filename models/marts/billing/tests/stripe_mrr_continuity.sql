-- A month starts where the month before ended: start_mrr is the previous month's MRR (per currency).
-- Returns the months where it is not.
select m.month, m.currency, m.start_mrr, p.mrr as previous_month_mrr
from {{ ref('mrr_monthly') }} m
join {{ ref('mrr_monthly') }} p on p.currency = m.currency and p.month = m.month - interval 1 month
where m.start_mrr <> p.mrr
