select invoice_id, customer_id, amount_cents / 100.0 as amount, created_at
from "raw"."billing__invoices"

where created_at > (select max(created_at) from "staging"."stg_invoices")
