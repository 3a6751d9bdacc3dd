-- Deals won and lost by month, pipeline and owner. Won and lost come from each deal's current
-- stage (closed with probability 1.0 is won, 0.0 lost), placed in the month of its current close
-- date (UTC) at its current amount: a deal lost and later reopened is no loss; a close date
-- backdated by the rep puts the win in that month. Deleted deals count nowhere.
-- Amounts are per currency (deal_currency_code, else the portal's company currency from HubSpot's
-- account settings, else vars.hubspot_company_currency), converted to vars.reporting_currency with
-- vars.fx_rates when project.yaml sets them; a deal with none of these is '(unknown currency)'.
with closed as (
    select
        d.*,
        coalesce(fx.reporting_currency, '(unknown currency)') as reporting_currency,
        d.amount * coalesce(fx.rate, 1) as converted_amount
    from {{ ref('deals') }} d
    left join (select distinct currency, reporting_currency, rate from {{ ref('stg_hubspot__fx_rates') }}) fx
        on fx.currency = d.currency
    where (d.is_won or d.is_lost) and d.closed_month is not null
)
select
    closed_month as month,
    pipeline_id,
    pipeline,
    owner_id,
    owner,
    reporting_currency as currency,
    count(*) filter (where is_won) as deals_won,
    cast(coalesce(sum(converted_amount) filter (where is_won), 0) as decimal(18, 4)) as won_amount,
    count(*) filter (where is_lost) as deals_lost,
    cast(coalesce(sum(converted_amount) filter (where is_lost), 0) as decimal(18, 4)) as lost_amount,
    count(*) as deals_closed,
    count(*) filter (where is_won) / count(*) as win_rate,
    cast(sum(converted_amount) filter (where is_won) / nullif(count(*) filter (where is_won), 0) as decimal(18, 4))
        as average_won_deal_size,
    cast(coalesce(sum(sales_cycle_days), 0) as bigint) as sales_cycle_days_total
from closed
group by all
