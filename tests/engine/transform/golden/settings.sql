select 'usd' as reporting_currency,
  MAP {'eur': 1.08, 'gbp': 1.27} as fx_rates,
  false as past_due,
  NULL as cap, ['pro', 'it''s'] as tiers, 0.5 as ratio
