import { EVENT_TYPES } from "../company.ts";
import { intBetween, pick, type Rng } from "../random.ts";

/** One property of an event: drawn as a number while the day is made, turned into its value when read. */
interface Draw {
  draw(rng: Rng): number;
  value(n: number): unknown;
}

const oneOf = (items: readonly unknown[]): Draw => ({
  draw: (rng) => Math.floor(rng() * items.length),
  value: (n) => items[n],
});
const between = (min: number, max: number): Draw => ({ draw: (rng) => intBetween(rng, min, max), value: (n) => n });
const httpStatus: Draw = { draw: (rng) => (rng() < 0.97 ? 200 : pick(rng, [429, 500])), value: (n) => n };

/** An event type's properties, one or two, drawn in order: the first is `a`, the second `b`. */
class EventProperties {
  constructor(
    private readonly first: readonly [string, Draw],
    private readonly second?: readonly [string, Draw],
  ) {}

  drawA(rng: Rng): number {
    return this.first[1].draw(rng);
  }

  drawB(rng: Rng): number {
    return this.second ? this.second[1].draw(rng) : 0;
  }

  make(a: number, b: number): Record<string, unknown> {
    const props: Record<string, unknown> = { [this.first[0]]: this.first[1].value(a) };
    if (this.second) props[this.second[0]] = this.second[1].value(b);
    return props;
  }
}

const BY_TYPE: Record<string, EventProperties> = {
  page_view: new EventProperties(
    ["path", oneOf(["/home", "/dashboards", "/reports", "/settings", "/integrations", "/billing"])],
    ["duration_ms", between(200, 90_000)],
  ),
  login: new EventProperties(["method", oneOf(["password", "google", "google", "sso"])]),
  dashboard_viewed: new EventProperties(["dashboard_id", between(1, 40)]),
  report_created: new EventProperties(
    ["report_id", between(1, 100_000)],
    ["chart", oneOf(["line", "bar", "table", "pie"])],
  ),
  query_run: new EventProperties(["rows", between(0, 50_000)], ["duration_ms", between(20, 8_000)]),
  export_csv: new EventProperties(["rows", between(1, 20_000)]),
  invite_sent: new EventProperties(["role", oneOf(["member", "member", "admin", "viewer"])]),
  integration_connected: new EventProperties([
    "integration",
    oneOf(["slack", "hubspot", "salesforce", "stripe", "google_sheets"]),
  ]),
  api_call: new EventProperties(
    ["endpoint", oneOf(["/v1/reports", "/v1/metrics", "/v1/users"])],
    ["status", httpStatus],
  ),
};

/** Each of EVENT_TYPES' properties, by its index there. */
export const PROPERTIES: readonly EventProperties[] = EVENT_TYPES.map(([type]) => BY_TYPE[type] ?? BY_TYPE.api_call!);
