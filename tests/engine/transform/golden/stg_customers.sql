-- one row per customer
select customer_id, lower(email) as email
from "raw"."billing__customers"
qualify row_number() over (partition by customer_id order by updated_at desc) = 1
