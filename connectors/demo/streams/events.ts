import { EVENT_TYPES } from "../catalog.ts";
import { simulateLife } from "../lifecycle.ts";
import { intBetween, normal, pick, poisson, rngFor, weighted, type Rng } from "../random.ts";
import { DAY, HOUR, iso, toSecond } from "../time.ts";
import type { Emitted } from "../world.ts";
import type { DemoStream } from "./stream.ts";

const ENGAGEMENT = 41;
const EVENTS = 42;
/** weekdays carry the load; the factors average to 1 over a week (index 0 = Sunday) */
const DAY_OF_WEEK = [0.375, 1.25, 1.25, 1.25, 1.25, 1.25, 0.375];

export const events: DemoStream = {
  name: "events",
  spec: {
    name: "events",
    description: "product usage events from the app's tracking; append-only, a few sent twice or late",
    primaryKey: ["event_id"],
    cursorField: "occurred_at",
    columns: { event_id: "VARCHAR", customer_id: "VARCHAR", user_id: "VARCHAR", event_type: "VARCHAR", occurred_at: "TIMESTAMPTZ", properties: "JSON" },
  },
  windowMs: HOUR,
  leadMs: 0,
  *entity(world, index, signupAt, after) {
    const l = simulateLife(world.seed, index, signupAt, world.now);
    const eRng = rngFor(world.seed, index, ENGAGEMENT);
    const engagement = Math.exp(0.6 * normal(eRng) - 0.18);
    const cid = l.customerId.slice(4);
    for (const period of l.periods) {
      const end = Math.min(period.to, world.now + DAY);
      for (let day = Math.floor(period.from / DAY); day * DAY < end; day++) {
        const dayStart = day * DAY;
        const lo = Math.max(period.from, dayStart);
        const hi = Math.min(end, dayStart + DAY);
        if (hi <= after || hi <= lo) continue;
        const rng = rngFor(world.seed, EVENTS, index, day);
        const dow = DAY_OF_WEEK[new Date(dayStart).getUTCDay()]!;
        const n = poisson(rng, world.eventsPerActiveDay * engagement * dow * ((hi - lo) / DAY));
        if (n === 0) continue;
        const times: number[] = [];
        for (let k = 0; k < n; k++) times.push(toSecond(lo + (hi - lo) * ((rng() + rng()) / 2)));
        times.sort((a, b) => a - b);
        for (let k = 0; k < n; k++) {
          const t = times[k]!;
          const type = weighted(rng, EVENT_TYPES);
          const record = {
            event_id: `evt_${cid}_${day}_${k}`,
            customer_id: l.customerId,
            user_id: `usr_${cid}_${String(intBetween(rng, 1, period.seats)).padStart(2, "0")}`,
            event_type: type,
            occurred_at: iso(t),
            properties: properties(type, rng),
          };
          const late = rng() < 0.01 ? intBetween(rng, 1, 6) * HOUR : 0;
          const e: Emitted = { t, visibleAt: t + late, record };
          yield e;
          if (rng() < 0.005) yield e;
        }
      }
    }
  },
};

function properties(type: string, rng: Rng): Record<string, unknown> {
  switch (type) {
    case "page_view":
      return { path: pick(rng, ["/home", "/dashboards", "/reports", "/settings", "/integrations", "/billing"]), duration_ms: intBetween(rng, 200, 90_000) };
    case "login":
      return { method: pick(rng, ["password", "google", "google", "sso"]) };
    case "dashboard_viewed":
      return { dashboard_id: intBetween(rng, 1, 40) };
    case "report_created":
      return { report_id: intBetween(rng, 1, 100_000), chart: pick(rng, ["line", "bar", "table", "pie"]) };
    case "query_run":
      return { rows: intBetween(rng, 0, 50_000), duration_ms: intBetween(rng, 20, 8_000) };
    case "export_csv":
      return { rows: intBetween(rng, 1, 20_000) };
    case "invite_sent":
      return { role: pick(rng, ["member", "member", "admin", "viewer"]) };
    case "integration_connected":
      return { integration: pick(rng, ["slack", "hubspot", "salesforce", "stripe", "google_sheets"]) };
    default:
      return { endpoint: pick(rng, ["/v1/reports", "/v1/metrics", "/v1/users"]), status: rng() < 0.97 ? 200 : pick(rng, [429, 500]) };
  }
}
