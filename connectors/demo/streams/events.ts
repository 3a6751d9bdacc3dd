import { EVENT_TYPES } from "../catalog.ts";
import { customerId, lifeChunks } from "../lifecycle.ts";
import { OpenSpans } from "../open-spans.ts";
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
    const spans = new OpenSpans(lifeChunks(world.seed, index, signupAt, world.now));
    const eRng = rngFor(world.seed, index, ENGAGEMENT);
    const engagement = Math.exp(0.6 * normal(eRng) - 0.18);
    const cid = customerId(index);
    const slug = cid.slice(4);
    // each day draws from its own seed, so a day never depends on how the life was chunked
    for (let day = Math.floor(signupAt / DAY); day * DAY <= world.now; day++) {
      const dayStart = day * DAY;
      const dayEnd = dayStart + DAY;
      if (spans.endedBy(dayStart)) return;
      if (dayEnd <= after) continue;
      const parts = spans.overlapping(dayStart, dayEnd).map((s) => ({ lo: Math.max(s.from, dayStart), hi: Math.min(s.to, dayEnd), seats: s.seats }));
      const openMs = parts.reduce((sum, p) => sum + (p.hi - p.lo), 0);
      if (openMs <= 0) continue;
      const rng = rngFor(world.seed, EVENTS, index, day);
      const dow = DAY_OF_WEEK[new Date(dayStart).getUTCDay()]!;
      const n = poisson(rng, world.eventsPerActiveDay * engagement * dow * (openMs / DAY));
      if (n === 0) continue;
      const offsets: number[] = [];
      for (let k = 0; k < n; k++) offsets.push(openMs * ((rng() + rng()) / 2));
      offsets.sort((a, b) => a - b);
      let part = 0;
      let skipped = 0;
      for (let k = 0; k < n; k++) {
        let offset = offsets[k]! - skipped;
        while (offset >= parts[part]!.hi - parts[part]!.lo && part < parts.length - 1) {
          skipped += parts[part]!.hi - parts[part]!.lo;
          offset -= parts[part]!.hi - parts[part]!.lo;
          part++;
        }
        const p = parts[part]!;
        const t = toSecond(p.lo + offset);
        const type = weighted(rng, EVENT_TYPES);
        const record = {
          event_id: `evt_${slug}_${day}_${k}`,
          customer_id: cid,
          user_id: `usr_${slug}_${String(intBetween(rng, 1, p.seats)).padStart(2, "0")}`,
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
