-- Each subscription as it was at each month end (int_stripe__month_ends.as_of): whether it counts toward
-- MRR (active, or past_due), its items (price × quantity) and the discounts on it. Stripe shows a
-- subscription's current state only, so the past is rebuilt from what it keeps:
--   * at the last pull (the current month), the subscription as pulled;
--   * since `events_from`, exactly, from the customer.subscription.* events (each holds the whole
--     object after the change): the state after the last event at or before the instant, else the
--     state before the first event after it (the object with its `previous_attributes`), else the
--     subscription as it is now;
--   * before that, from invoices (draft, void and uncollectible ones excluded): an item is what the
--     line covering the instant bills (price, quantity, service period), a proration line from the
--     moment of the change on (a credit for unused time ends the old price there). A change made without
--     proration (`proration_behavior: none`) has no line of its own: an item billed for a period and for the next
--     at another price or quantity (or not at all, or first billed at a renewal), no proration line between,
--     changed during the first period, and is dated at its middle (with no next invoice yet, between the last one and `events_from`, the item as pulled differing:
--     no event and no invoice says more once Stripe's 30 days have passed); the subscription
--     counts from its first invoice being paid (or its creation) until `ended_at`, never during its
--     trial, never after it went unpaid, and only while an invoice covers the instant (collection paused
--     with invoices voided, or a paused trial, leaves a gap: a pause older than Stripe's 30 days counts 0 from the
--     first instant no paid or open invoice covers, as nothing dates the pause itself). Past due: a renewal whose payment failed,
--     from its finalization until it was paid.
--
-- inputs_hash: what a subscription's rows are computed from besides the month ends (its own row, its events,
-- invoices and lines, its customer's failed charges, its discounts, and when events begin), hashed. Incremental:
-- a build recomputes every month of the subscriptions whose hash moved (new, changed or gone) and every
-- subscription at the month ends that moved (the current month, read at the last pull, moves each pull: an
-- untouched subscription's row there is carried over at the new instant), and merges them by (subscription_id,
-- month); the other rows are what a full build gives, as they depend on nothing else. Rows no longer there (a subscription or month gone, a month before a new created_at) are removed.
with month_ends as (
    select * from {{ ref('int_stripe__month_ends') }}
),
subscriptions as (
    -- the columns read below, without the JSON ones (items, discounts: read where needed): referenced five times,
    -- this CTE is materialized, and with every column it held each subscription's JSON
    select
        subscription_id, customer_id, status, currency, created_at, trial_start_at, trial_end_at, ended_at,
        pause_collection_behavior
    from {{ ref('stg_stripe__subscriptions') }}
),
inputs as (
    select
        s.subscription_id,
        hash(
            s.customer_id, s.status, s.currency, s.created_at, s.trial_start_at, s.trial_end_at, s.ended_at,
            s.pause_collection_behavior, s.items, s.discounts,
            (select max(events_from) from month_ends),
            ev.h, inv.h, li.h, ch.h, di.h
        ) as inputs_hash
    from {{ ref('stg_stripe__subscriptions') }} s
    left join (
        -- an event's content comes with its landing (hashing each object read them all: 0.4 s a build)
        select object_id as subscription_id, sum(hash(event_id, loaded_at)) as h
        from {{ ref('stg_stripe__events') }}
        where object_type = 'subscription'
        group by all
    ) ev using (subscription_id)
    left join (
        select subscription_id, sum(hash(invoice_id, status, billing_reason, paid_at, attempt_count, finalized_at)) as h
        from {{ ref('stg_stripe__invoices') }}
        group by all
    ) inv using (subscription_id)
    left join (
        select l.subscription_id, sum(hash(
            l.invoice_line_id, l.invoice_id, l.subscription_item_id, l.price_id, l.quantity, l.period_start_at,
            l.period_end_at, l.is_proration_credit, i.status
        )) as h
        from {{ ref('stg_stripe__invoice_lines') }} l
        left join {{ ref('stg_stripe__invoices') }} i using (invoice_id)
        group by all
    ) li using (subscription_id)
    left join (
        select customer_id, sum(hash(charge_id, created_at)) as h
        from {{ ref('stg_stripe__charges') }}
        where status = 'failed'
        group by all
    ) ch on ch.customer_id = s.customer_id
    left join (
        select subscription_id, sum(hash(discount_id)) as h
        from {{ ref('stg_stripe__discounts') }}
        group by all
    ) di using (subscription_id)
),
{% if is_incremental() %}
stored as (
    select subscription_id, any_value(inputs_hash) as inputs_hash from {{ this }} group by all
),
touched as (
    select coalesce(i.subscription_id, t.subscription_id) as subscription_id
    from inputs i
    full join stored t using (subscription_id)
    where i.inputs_hash is distinct from t.inputs_hash
),
moved as (
    -- month ends whose instant or source moved, and the month that was current at the last build
    select me.month
    from month_ends me
    left join (
        select month, any_value(as_of) as as_of, any_value(rebuilt_from) as rebuilt_from from {{ this }} group by all
    ) t using (month)
    where t.as_of is distinct from me.as_of
        or t.rebuilt_from is distinct from case when me.as_of >= me.events_from or me.is_current then 'events' else 'invoices' end
    union
    select month from {{ this }} where as_of = (select max(as_of) from {{ this }})
),
carried as (
    -- the month current at the last build and now: a subscription untouched since is its row as pulled then, read
    -- at the new instant (the current month reads the subscription as pulled, not its events)
    select me.month, me.as_of
    from month_ends me
    where me.is_current
        and me.month in (select month from {{ this }} where as_of = (select max(as_of) from {{ this }}))
        and me.month + interval 1 month > (select max(as_of) from {{ this }})
),
{% endif %}
candidates as (
    select
        s.subscription_id,
        s.customer_id,
        s.currency,
        me.month,
        me.as_of,
        me.is_current,
        me.as_of >= me.events_from or me.is_current as from_events,
        me.events_from
    from subscriptions s
    join month_ends me on s.created_at <= me.as_of
    {% if is_incremental() %}where s.subscription_id in (select subscription_id from touched)
        or me.month in (select month from moved) and me.month not in (select month from carried){% endif %}
),

-- since events_from: events, else the current object. The joins carry event ids only and each state's JSON
-- is read once, after the grouping: carried through the joins, the objects of ~100k subscriptions × their
-- month ends did not fit DuckDB's default 768 MB at 97k customers (the model was built again under half the RAM).
events as (
    select object_id as subscription_id, event_id, event_type, created_at
    from {{ ref('stg_stripe__events') }}
    where object_type = 'subscription'
),
after_last_event as (
    select c.subscription_id, c.month, arg_max(e.event_id, (e.created_at, e.event_id)) as event_id
    from candidates c
    join events e on e.subscription_id = c.subscription_id and e.created_at <= c.as_of and e.created_at >= c.events_from
    where c.from_events and not c.is_current
    group by all
),
before_next_event as (
    select c.subscription_id, c.month, arg_min(e.event_id, (e.created_at, e.event_id)) as event_id
    from candidates c
    join events e on e.subscription_id = c.subscription_id and e.created_at > c.as_of
    where c.from_events and not c.is_current
    group by all
),
event_objects as (
    -- each event a month end reads, its object and `previous_attributes` parsed once (from_json into the fields
    -- read; a `created` event has no state before it). Each JSON call site holds its own buffers on each thread:
    -- json_merge_patch on whole objects and a `->>`/`->` per field ran out of memory under a 128 MB
    -- warehouse.memory_limit at 3k customers (at 97k, under 500 MB)
    select
        event_id,
        is_after,
        is_before,
        from_json(object, '{
            "status": "VARCHAR", "pause_collection": "JSON",
            "items": {"data": [{"price": {"id": "VARCHAR"}, "quantity": "BIGINT"}]}, "discounts": ["JSON"]
        }') as o,
        case when is_before then from_json(previous_attributes, '{
            "status": "VARCHAR", "pause_collection": "JSON",
            "items": {"data": [{"price": {"id": "VARCHAR"}, "quantity": "BIGINT"}]}, "discounts": ["JSON"]
        }') end as p,
        case when is_before then coalesce(json_keys(previous_attributes), []) end as k
    from (
        select
            event_id,
            object,
            previous_attributes,
            event_id in (select event_id from after_last_event) as is_after,
            event_type <> 'customer.subscription.created' and event_id in (select event_id from before_next_event) as is_before
        from {{ ref('stg_stripe__events') }}
        where object_type = 'subscription'
    )
    where is_after or is_before
),
event_states_by_id as (
    -- after an event, its object; before it, its object with `previous_attributes` laid over field by field as
    -- a JSON merge patch does (a key there, even null, replaces the object's; `items` merges into the object's)
    select event_id, 'after' as side, o as st from event_objects where is_after
    union all
    select
        event_id,
        'before' as side,
        {
            'status': if(list_contains(k, 'status'), p.status, o.status),
            'pause_collection': if(list_contains(k, 'pause_collection'), p.pause_collection, o.pause_collection),
            'items': {'data': case
                when not list_contains(k, 'items') then o.items.data
                when p.items is null then null
                else coalesce(p.items.data, o.items.data)
            end},
            'discounts': if(list_contains(k, 'discounts'), p.discounts, o.discounts)
        } as st
    from event_objects
    where is_before
),
parsed_by_id as (
    select
        event_id,
        side,
        st.status,
        st.status in ('active', 'past_due') and coalesce(json_type(st.pause_collection), 'NULL') = 'NULL' as is_counted,
        st.status = 'past_due' as is_past_due,
        [{'price_id': i.price.id, 'quantity': i.quantity} for i in st.items.data] as items,
        [coalesce(d ->> '$.id', d ->> '$') for d in coalesce(st.discounts, [])] as discount_ids
    from event_states_by_id
),
parsed_events as (
    -- the state after the last event at or before the instant, else before the first event after it
    select
        coalesce(a.subscription_id, b.subscription_id) as subscription_id,
        coalesce(a.month, b.month) as month,
        coalesce(pa.event_id, pb.event_id) is not null as has_state,
        case when pa.event_id is not null then pa.status else pb.status end as status,
        case when pa.event_id is not null then pa.is_counted else pb.is_counted end as is_counted,
        case when pa.event_id is not null then pa.is_past_due else pb.is_past_due end as is_past_due,
        case when pa.event_id is not null then pa.items else pb.items end as items,
        case when pa.event_id is not null then pa.discount_ids else pb.discount_ids end as discount_ids
    from after_last_event a
    full join before_next_event b using (subscription_id, month)
    left join parsed_by_id pa on pa.event_id = a.event_id and pa.side = 'after'
    left join parsed_by_id pb on pb.event_id = b.event_id and pb.side = 'before'
),
current_state as (
    -- the subscription as pulled, read the way an event's object is (its JSON parsed once)
    select
        subscription_id,
        status,
        status in ('active', 'past_due') and pause_collection_behavior is null as is_counted,
        status = 'past_due' as is_past_due,
        [{'price_id': i.price.id, 'quantity': i.quantity} for i in from_json(items, '{"data": [{"price": {"id": "VARCHAR"}, "quantity": "BIGINT"}]}').data] as items,
        [coalesce(d ->> '$.id', d ->> '$') for d in from_json(coalesce(discounts, '[]'), '["JSON"]')] as discount_ids
    from {{ ref('stg_stripe__subscriptions') }}
    where subscription_id in (select subscription_id from candidates where from_events)
),
from_events as (
    -- the current month is read at the last pull: the subscription as it was pulled
    select
        c.subscription_id,
        c.customer_id,
        c.currency,
        c.month,
        c.as_of,
        'events' as rebuilt_from,
        coalesce(e.status, cs.status) as status,
        coalesce(e.is_counted, cs.is_counted) as is_counted,
        coalesce(e.is_past_due, cs.is_past_due) as is_past_due,
        case when e.subscription_id is not null then e.items else cs.items end as items,
        case when e.subscription_id is not null then e.discount_ids else cs.discount_ids end as discount_ids
    from candidates c
    left join (select * from parsed_events where has_state) e using (subscription_id, month)
    left join current_state cs using (subscription_id)
    where c.from_events
),

-- before events_from: invoices
billed_lines as (
    select
        l.subscription_id, l.subscription_item_id, l.price_id, l.quantity, l.period_start_at, l.period_end_at,
        l.is_proration, l.is_proration_credit
    from {{ ref('stg_stripe__invoice_lines') }} l
    join {{ ref('stg_stripe__invoices') }} i using (invoice_id)
    where i.status in ('open', 'paid') and l.subscription_item_id is not null
),
covering as (
    -- per item, the line covering the instant that began last (a new price over the old one's
    -- regular line); at the same start a charge wins over the credit that ends the old price
    select
        c.subscription_id,
        c.month,
        c.as_of,
        l.subscription_item_id,
        arg_max(
            {
                'price_id': l.price_id, 'quantity': l.quantity, 'removed': l.is_proration_credit,
                'period_start_at': l.period_start_at, 'is_proration': l.is_proration
            },
            (l.period_start_at, not l.is_proration_credit)
        ) as line
    from candidates c
    join billed_lines l on l.subscription_id = c.subscription_id and l.period_start_at <= c.as_of and c.as_of < l.period_end_at
    where not c.from_events
    group by all
),
regular_lines as (
    -- each item's licensed lines billed in advance for a period (no prorations, no metered usage), with the next one
    select
        l.subscription_id,
        l.subscription_item_id,
        l.price_id,
        l.quantity,
        l.period_start_at,
        l.period_end_at,
        lag(l.period_start_at) over w as previous_start_at,
        lead(l.period_start_at) over w as next_start_at,
        lead(l.price_id) over w as next_price_id,
        lead(l.quantity) over w as next_quantity
    from billed_lines l
    join {{ ref('stg_stripe__prices') }} p using (price_id)
    where not l.is_proration and p.usage_type = 'licensed'
    window w as (partition by l.subscription_id, l.subscription_item_id order by l.period_start_at)
),
prorated as (
    -- when the subscription's proration lines start (each dates a change)
    select distinct pl.subscription_id, pl.period_start_at
    from {{ ref('stg_stripe__invoice_lines') }} pl
    join {{ ref('stg_stripe__invoices') }} pi using (invoice_id)
    where pl.is_proration and pi.status in ('open', 'paid')
),
current_items as (
    select subscription_id, i.id as subscription_item_id, i.price.id as price_id, i.quantity
    from (
        select
            subscription_id,
            unnest(from_json(items, '{"data": [{"id": "VARCHAR", "price": {"id": "VARCHAR"}, "quantity": "BIGINT"}]}').data) as i
        from {{ ref('stg_stripe__subscriptions') }}
    )
),
quiet_since as (
    -- the subscriptions with no event since `events_from` (what they are as pulled, they were then)
    select s.subscription_id, me.events_from
    from subscriptions s
    cross join (select max(events_from) as events_from from month_ends) me
    where not exists (select 1 from events e where e.subscription_id = s.subscription_id and e.created_at >= me.events_from)
),
renewals as (
    -- when the subscription's licensed lines start (a renewal bills every item it keeps)
    select distinct subscription_id, period_start_at from regular_lines
),
undated_changes as (
    -- an item billed for a period, then at the next renewal at another price or quantity, or not at all while the
    -- subscription renewed, with no proration line in between: changed (or removed) during that period without
    -- proration (`proration_behavior: none`), which no invoice dates (the customer.subscription.updated event that
    -- did is past Stripe's 30 days). The change lies between the two renewals; it is dated at the middle of that
    -- interval (the month end on the later side of it reads the item as changed): the nearest estimate the
    -- invoices allow, off by at most half a period. With no renewal since (a long period), the item as pulled
    -- differs from its last line, or is gone, and no event since `events_from` says when: dated between the
    -- line's start and `events_from`
    select
        r.subscription_id,
        r.subscription_item_id,
        r.period_start_at,
        r.period_start_at + (r.period_end_at - r.period_start_at) / 2 as changed_at,
        r.next_price_id,
        r.next_quantity,
        r.next_start_at is null as removed
    from regular_lines r
    where (
            r.next_start_at = r.period_end_at and (r.next_price_id, r.next_quantity) is distinct from (r.price_id, r.quantity)
            or r.next_start_at is null
                and exists (
                    select 1 from renewals n where n.subscription_id = r.subscription_id and n.period_start_at = r.period_end_at
                )
        )
        and not exists (
            select 1 from prorated p
            where p.subscription_id = r.subscription_id
                and p.period_start_at > r.period_start_at and p.period_start_at <= r.period_end_at
        )
    union all
    select
        r.subscription_id,
        r.subscription_item_id,
        r.period_start_at,
        r.period_start_at + (q.events_from - r.period_start_at) / 2 as changed_at,
        ci.price_id,
        ci.quantity,
        ci.subscription_item_id is null as removed
    from regular_lines r
    join quiet_since q using (subscription_id)
    left join current_items ci using (subscription_id, subscription_item_id)
    where r.next_start_at is null
        and r.period_start_at < q.events_from and q.events_from < r.period_end_at
        and (ci.price_id, ci.quantity) is distinct from (r.price_id, r.quantity)
        and not exists (select 1 from prorated p where p.subscription_id = r.subscription_id and p.period_start_at > r.period_start_at)
),
undated_additions as (
    -- the same for an item added without proration: first billed at a renewal (not the subscription's first
    -- invoice), no proration line since the renewal before; or in the subscription as pulled, never billed, no
    -- event since `events_from`, while a line covers that instant. Counted from the middle of the interval
    select
        r.subscription_id,
        r.subscription_item_id,
        r.price_id,
        r.quantity,
        prev.period_start_at + (r.period_start_at - prev.period_start_at) / 2 as changed_at,
        r.period_start_at as billed_from
    from regular_lines r
    join regular_lines prev
        on prev.subscription_id = r.subscription_id and prev.period_end_at = r.period_start_at
        and prev.subscription_item_id <> r.subscription_item_id
    where r.previous_start_at is null
        and not exists (
            select 1 from prorated p
            where p.subscription_id = r.subscription_id
                and p.period_start_at > prev.period_start_at and p.period_start_at <= r.period_start_at
        )
    qualify row_number() over (partition by r.subscription_id, r.subscription_item_id order by prev.period_start_at desc) = 1
    union all
    select
        ci.subscription_id,
        ci.subscription_item_id,
        ci.price_id,
        ci.quantity,
        r.period_start_at + (q.events_from - r.period_start_at) / 2 as changed_at,
        q.events_from as billed_from
    from current_items ci
    join quiet_since q using (subscription_id)
    join regular_lines r
        on r.subscription_id = ci.subscription_id and r.period_start_at < q.events_from and q.events_from < r.period_end_at
    join {{ ref('stg_stripe__prices') }} p on p.price_id = ci.price_id and p.usage_type = 'licensed'
    where not exists (
            select 1 from regular_lines o
            where o.subscription_id = ci.subscription_id and o.subscription_item_id = ci.subscription_item_id
        )
        and not exists (select 1 from prorated p where p.subscription_id = r.subscription_id and p.period_start_at > r.period_start_at)
    qualify row_number() over (partition by ci.subscription_id, ci.subscription_item_id order by r.period_start_at desc) = 1
),
item_rows as (
    -- each item a month bills (an undated change read from the instant it is dated at)
    select
        cv.subscription_id,
        cv.month,
        cv.subscription_item_id,
        coalesce(u.next_price_id, cv.line.price_id) as price_id,
        coalesce(u.next_quantity, cv.line.quantity) as quantity
    from covering cv
    left join undated_changes u
        on u.subscription_id = cv.subscription_id
        and u.subscription_item_id = cv.subscription_item_id
        and u.period_start_at = cv.line.period_start_at
        and not cv.line.is_proration
        and cv.as_of >= u.changed_at
    where not cv.line.removed and not coalesce(u.removed, false)
    union all
    select c.subscription_id, c.month, a.subscription_item_id, a.price_id, a.quantity
    from candidates c
    join undated_additions a on a.subscription_id = c.subscription_id and c.as_of >= a.changed_at and c.as_of < a.billed_from
    where not c.from_events
),
billed_item_rows as (
    -- one row per item a month bills, and how many items that month bills
    select *, count(*) over (partition by subscription_id, month) as items_billed
    from item_rows
),
multi_item_months as (
    -- the months that bill more than one item (a subscription with several prices): their lists in item id order,
    -- sorted after the aggregate with the id first in each struct (an ORDER BY inside list() keeps a sort buffer per group)
    select
        subscription_id,
        month,
        [{'price_id': i.price_id, 'quantity': i.quantity} for i in list_sort(
            list({'subscription_item_id': subscription_item_id, 'price_id': price_id, 'quantity': quantity})
        )] as items
    from billed_item_rows
    where items_billed > 1
    group by all
),
invoices as (
    -- the columns read below: read twice, this CTE is materialized (every column of ~650k invoices at 97k customers)
    select subscription_id, status, billing_reason, attempt_count, finalized_at, paid_at
    from {{ ref('stg_stripe__invoices') }}
    where status in ('open', 'paid')
),
activated as (
    -- an incomplete subscription starts when its first invoice is paid
    select subscription_id, min(paid_at) as activated_at
    from invoices
    where billing_reason = 'subscription_create'
    group by all
),
unpaid_since as (
    -- a subscription that went unpaid did so at its customer's last failed payment
    select s.subscription_id, max(ch.created_at) as unpaid_at
    from subscriptions s
    join {{ ref('stg_stripe__charges') }} ch on ch.customer_id = s.customer_id and ch.status = 'failed'
    where s.status = 'unpaid'
    group by all
),
past_due as (
    select c.subscription_id, c.month
    from candidates c
    join invoices i on i.subscription_id = c.subscription_id
    where not c.from_events
      and i.billing_reason <> 'subscription_create'
      and (i.status = 'open' and i.attempt_count >= 1 or i.status = 'paid' and i.attempt_count > 1)
      and i.finalized_at <= c.as_of
      and (i.paid_at is null or c.as_of < i.paid_at)
    group by all
),
invoice_months as (
    -- each month before events_from with what it is read from besides its items: counted if an item is billed then
    select
        c.subscription_id,
        c.customer_id,
        c.currency,
        c.month,
        c.as_of,
        s.status,
        c.as_of >= coalesce(a.activated_at, s.created_at)
            and not coalesce(c.as_of >= s.trial_start_at and c.as_of < s.trial_end_at, false)
            and (s.ended_at is null or c.as_of < s.ended_at)
            and (u.unpaid_at is null or c.as_of < u.unpaid_at) as is_counted_if_billed,
        pd.subscription_id is not null as is_past_due
    from candidates c
    join subscriptions s using (subscription_id)
    left join activated a using (subscription_id)
    left join unpaid_since u using (subscription_id)
    left join past_due pd using (subscription_id, month)
    where not c.from_events
),
from_invoices as (
    -- a month billing one item (usually) joins that item's row and makes its one-item list after the join; only
    -- the months billing several are aggregated into lists. An item list aggregated for every month (~535k at 97k
    -- customers), with ORDER BY inside list() (a sort buffer per group), or without it before or after these
    -- joins, ran out of memory under a 500 MB warehouse.memory_limit
    select
        m.subscription_id,
        m.customer_id,
        m.currency,
        m.month,
        m.as_of,
        'invoices' as rebuilt_from,
        m.status,
        m.is_counted_if_billed and b.subscription_id is not null as is_counted,
        m.is_past_due,
        coalesce(b.items, case when b.subscription_id is not null then [{'price_id': b.price_id, 'quantity': b.quantity}] end, []) as items
    from invoice_months m
    left join (
        select subscription_id, month, price_id, quantity, null as items from billed_item_rows where items_billed = 1
        union all
        select subscription_id, month, null, null, items from multi_item_months
    ) b using (subscription_id, month)
),
discounted as (
    -- the subscription's discounts, joined once the months' lists are made
    select f.*, coalesce(d.discount_ids, []) as discount_ids
    from from_invoices f
    left join (
        select subscription_id, list(discount_id order by discount_id) as discount_ids
        from {{ ref('stg_stripe__discounts') }}
        group by all
    ) d using (subscription_id)
)

-- each side carries the candidate's columns itself: joining the union back to the candidates built a hash table
-- of ~900k rows with their item lists (out of memory under 768 MB at 97k customers)
, states as (
    select subscription_id, customer_id, currency, month, as_of, rebuilt_from, status, is_counted, is_past_due, items, discount_ids
    from from_events
    union all
    select subscription_id, customer_id, currency, month, as_of, rebuilt_from, status, is_counted, is_past_due, items, discount_ids
    from discounted
)
select st.*, i.inputs_hash
from states st
join inputs i using (subscription_id)
{% if is_incremental() %}union all by name
select t.* replace (c.as_of as as_of)
from {{ this }} t
join carried c using (month)
where t.subscription_id not in (select subscription_id from touched)
union all by name
select t.subscription_id, t.month, true as _dp_deleted
from {{ this }} t
where (t.subscription_id in (select subscription_id from touched) or t.month in (select month from moved)
        or t.month not in (select month from month_ends))
    and not exists (select 1 from candidates c where c.subscription_id = t.subscription_id and c.month = t.month)
    and not (t.month in (select month from carried) and t.subscription_id not in (select subscription_id from touched))
{% endif %}
