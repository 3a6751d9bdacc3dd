import { z } from "zod";

export const webhookConfig = z.strictObject({
  /** the endpoint's signing secret (Stripe: whsec_...), from ${ENV} */
  signing_secret: z.string().min(1),
  /** refuse events signed longer ago (or further ahead) than this: replay protection */
  tolerance_seconds: z.number().int().positive().default(300),
  max_body_bytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** `dp serve` turns the inbox into Parquet this often, or sooner once this many events wait */
  flush_interval_seconds: z.number().positive().default(10),
  flush_max_events: z.number().int().positive().default(5000),
  /** the polling source that backfills what webhooks missed (documentation for `dp sources`; it is pulled on its own schedule) */
  reconcile_with: z.string().optional(),
});

export type WebhookConfig = z.infer<typeof webhookConfig>;
