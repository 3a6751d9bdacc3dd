-- One row per invoice line (the invoice's `lines.data`; the connector reads truncated lists to the
-- end). A line bills a price × quantity over its service `period`; a proration line credits unused
-- time of what changed (negative) or charges the remaining time of the new price (positive).
with invoices as (
    select
        *,
        case
            when lower(currency) in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 1
            when lower(currency) in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 1000
            else 100
        end as minor_per_unit
    from {{ source('stripe', 'invoices') }}
    {% if is_incremental() %}where _dp_loaded_at > (select coalesce(max(loaded_at), '-infinity') at time zone 'UTC' from {{ this }}){% endif %}
    qualify row_number() over (partition by id order by _dp_loaded_at desc) = 1
),
lines as (
    -- each invoice's lines parsed once into the fields below: an extraction per field re-parsed each line's
    -- JSON ~25 times, and under a 500 MB warehouse.memory_limit the build ran out of memory at 97k customers
    select
        id as invoice_id, customer as customer_id, minor_per_unit, _dp_loaded_at,
        unnest(from_json(lines -> '$.data', '[{
            "id": "VARCHAR", "subscription": "VARCHAR", "quantity": "BIGINT", "amount": "DOUBLE",
            "description": "VARCHAR", "currency": "VARCHAR",
            "period": {"start": "BIGINT", "end": "BIGINT"},
            "discount_amounts": [{"amount": "BIGINT"}], "taxes": [{"amount": "BIGINT"}],
            "price": {"id": "VARCHAR", "product": "VARCHAR"},
            "pricing": {"price_details": {"price": "VARCHAR", "product": "VARCHAR"}},
            "parent": {
                "subscription_item_details": {"subscription": "VARCHAR", "subscription_item": "VARCHAR", "invoice_item": "VARCHAR",
                    "proration": "BOOLEAN", "proration_details": {"credited_items": "JSON"}},
                "invoice_item_details": {"subscription": "VARCHAR", "invoice_item": "VARCHAR",
                    "proration": "BOOLEAN", "proration_details": {"credited_items": "JSON"}}
            }
        }]')) as line
    from invoices
    where not coalesce(deleted, false)
),
parsed as (
    select
        line.id as invoice_line_id,
        invoice_id,
        customer_id,
        coalesce(
            line.parent.subscription_item_details.subscription,
            line.parent.invoice_item_details.subscription,
            line.subscription
        ) as subscription_id,
        line.parent.subscription_item_details.subscription_item as subscription_item_id,
        coalesce(
            line.parent.subscription_item_details.invoice_item,
            line.parent.invoice_item_details.invoice_item
        ) as invoice_item_id,
        coalesce(line.pricing.price_details.price, line.price.id) as price_id,
        coalesce(line.pricing.price_details.product, line.price.product) as product_id,
        line.quantity as quantity,
        line.amount / minor_per_unit as amount,
        coalesce(list_sum(list_transform(line.discount_amounts, x -> x.amount)), 0) / minor_per_unit as discount_amount,
        coalesce(list_sum(list_transform(line.taxes, x -> x.amount)), 0) / minor_per_unit as tax_amount,
        coalesce(
            line.parent.subscription_item_details.proration,
            line.parent.invoice_item_details.proration,
            false
        ) as is_proration,
        coalesce(
            line.parent.subscription_item_details.proration_details.credited_items,
            line.parent.invoice_item_details.proration_details.credited_items
        ) as credited_items,
        make_timestamp(line.period.start * 1000000) as period_start_at,
        make_timestamp(line.period.end * 1000000) as period_end_at,
        line.description as description,
        lower(line.currency) as currency,
        timezone('UTC', _dp_loaded_at) as loaded_at
    from lines
)
select
    * exclude (credited_items),
    -- a credit for unused time: negative, or naming the lines it credits (a 100%-off credit is 0)
    is_proration and (amount < 0 or (credited_items is not null and json_type(credited_items) <> 'NULL')) as is_proration_credit{% if is_incremental() %},
    false as _dp_deleted{% else %}
{% endif %}
from parsed
-- an incremental build replaces every line of each invoice it read (unique_key: invoice_id); an invoice
-- deleted or left without lines replaces its lines with nothing
{% if is_incremental() %}union all by name
select id as invoice_id, true as _dp_deleted from invoices
where coalesce(deleted, false) or id not in (select invoice_id from parsed){% endif %}
