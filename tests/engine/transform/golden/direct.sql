select *
from staging.stg_customers
