import { z } from "zod";

export const STREAM_NAMES = [
  "plans",
  "customers",
  "subscriptions",
  "invoices",
  "payments",
  "events",
  "tickets",
  "deals",
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** The streams of `dataset: stripe`: the names (and objects) the Stripe connector lands. */
export const STRIPE_STREAM_NAMES = [
  "customers",
  "products",
  "prices",
  "coupons",
  "subscriptions",
  "invoices",
  "charges",
  "refunds",
  "events",
] as const;
export type StripeStreamName = (typeof STRIPE_STREAM_NAMES)[number];

/** Customers signed up over the first 18 months of history at each named scale. */
export const SCALES = { tiny: 30, small: 1_000, medium: 10_000, large: 100_000 } as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'expected an ISO date like "2025-05-01"')
  .refine((s) => !Number.isNaN(Date.parse(s)), {
    message: "not a valid date",
  });

/** The demo's CRM as the hubspot connector lands it (streams/hubspot.ts); `dataset: hubspot` pulls these instead. */
export const HUBSPOT_STREAM_NAMES = ["contacts", "companies", "deals", "pipelines", "owners", "account"] as const;

/**
 * `classic`: the demo's own shapes (plans, payments, deals, ...); `stripe`: its billing as Stripe objects;
 * `hubspot`: its CRM as HubSpot objects.
 */
export const DATASETS = ["classic", "stripe", "hubspot"] as const;
export type Dataset = (typeof DATASETS)[number];

export const demoConfigSchema = z
  .strictObject({
    /** which shapes the source lands: the classic streams, or the company's billing / CRM as the Stripe / HubSpot connector lands it */
    dataset: z.enum(DATASETS).default("classic"),
    seed: z.number().int().default(42),
    scale: z
      .union([z.enum(["tiny", "small", "medium", "large"]), z.number().int().min(1).max(10_000_000)])
      .default("small"),
    start: isoDate.optional(),
    streams: z
      .array(
        z.enum([...new Set([...STREAM_NAMES, ...STRIPE_STREAM_NAMES, ...HUBSPOT_STREAM_NAMES])] as [
          string,
          ...string[],
        ]),
      )
      .min(1)
      .optional(),
    /** mean product events per customer per day of an open subscription */
    events_per_active_day: z.number().min(0).max(1_000).default(2),
  })
  .superRefine((c, ctx) => {
    const names: readonly string[] =
      c.dataset === "stripe" ? STRIPE_STREAM_NAMES : c.dataset === "hubspot" ? HUBSPOT_STREAM_NAMES : STREAM_NAMES;
    c.streams?.forEach((s, i) => {
      if (!names.includes(s))
        ctx.addIssue({
          code: "custom",
          path: ["streams", i],
          message: `dataset ${c.dataset} has no stream "${s}"; its streams: ${names.join(", ")}${elsewhere(s)}`,
        });
    });
  });

export type DemoConfig = z.infer<typeof demoConfigSchema>;

/** Where a stream name the chosen dataset lacks does exist: `(set dataset: hubspot)`. */
function elsewhere(stream: string): string {
  const has = DATASETS.filter((d) =>
    (d === "stripe" ? STRIPE_STREAM_NAMES : d === "hubspot" ? HUBSPOT_STREAM_NAMES : STREAM_NAMES).some(
      (n) => n === stream,
    ),
  );
  return has.length ? ` (${has.map((d) => `dataset: ${d}`).join(" or ")} has it)` : "";
}

export function customersAtHorizon(config: DemoConfig): number {
  return typeof config.scale === "number" ? config.scale : SCALES[config.scale];
}

/** Default start: the first day of the month 18 months before now. */
export function historyStart(config: DemoConfig, now: Date): number {
  if (config.start) return Date.parse(config.start.length === 10 ? `${config.start}T00:00:00Z` : config.start);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 18, 1);
}
