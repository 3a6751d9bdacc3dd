import { PLANS } from "../company.ts";
import { iso } from "../time.ts";
import type { DemoStream } from "./stream.ts";

export const plans: DemoStream = {
  name: "plans",
  spec: {
    name: "plans",
    description: "price list: one row per plan and billing interval; price is per seat",
    primaryKey: ["plan_id"],
    cursorField: "updated_at",
    columns: {
      plan_id: "VARCHAR",
      name: "VARCHAR",
      tier: "VARCHAR",
      interval: "VARCHAR",
      price_cents: "BIGINT",
      currency: "VARCHAR",
      created_at: "TIMESTAMPTZ",
      updated_at: "TIMESTAMPTZ",
    },
  },
  windowMs: 86_400_000,
  leadMs: 0,
  *entity(world, index) {
    if (index !== 0) return;
    const at = iso(world.start);
    for (const p of PLANS) {
      yield {
        t: world.start,
        visibleAt: world.start,
        record: {
          plan_id: p.id,
          name: p.name,
          tier: p.tier,
          interval: p.interval,
          price_cents: p.priceCents,
          currency: "usd",
          created_at: at,
          updated_at: at,
        },
      };
    }
  },
};
