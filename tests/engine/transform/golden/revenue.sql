select c.customer_id, sum(i.amount) as revenue
from "staging"."stg_customers" c
join "staging"."stg_invoices" i using (customer_id)
group by 1
