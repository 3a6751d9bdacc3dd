/** records/s through the stripe connector from the fake at 100/page: connector alone, and pull() into the lake. */
import { stripe } from "../../connectors/stripe.ts";
import type { ReadContext } from "../../connectors/types.ts";
import { FakeStripe } from "../fakes/stripe.ts";
import { HttpProject } from "./harness.ts";

const n = Number(process.argv[2] ?? 20_000);
const fake = await FakeStripe.start({ customers: n });
process.env.STRIPE_API_KEY = fake.apiKey;
const config = stripe.config.parse({ api_key: fake.apiKey, base_url: fake.url, streams: ["customers"] });
const ctx: ReadContext = {
  source: "bench",
  stream: stripe.streams(config)[0]!,
  state: undefined,
  now: new Date(),
  fullRefresh: false,
  lookbackMs: 0,
  retry: { maxAttempts: 5, maxWaitMs: 1000 },
  log: { info() {}, warn() {}, debug() {} },
};
let t = performance.now();
let count = 0;
for await (const b of stripe.read(config, ctx)) count += b.records.length;
const connectorMs = performance.now() - t;

const project = new HttpProject("billing", { connector: "stripe", config: { api_key: "${STRIPE_API_KEY}", base_url: fake.url, streams: ["customers"] } });
t = performance.now();
const r = await project.pull();
const pullMs = performance.now() - t;
const lake = await project.lake("customers");
console.log(JSON.stringify({ records: count, pages: Math.ceil(n / 100), connector_records_per_s: Math.round(count / (connectorMs / 1000)), pull_records_per_s: Math.round(r.rows / (pullMs / 1000)), pull_ms: Math.round(pullMs), lake_distinct: lake.distinct }));
project.remove();
await fake.close();
