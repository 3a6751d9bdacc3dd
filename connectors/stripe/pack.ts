import { embeddedPack } from "../../engine/config/pack.ts";
import sourceText from "./pack/source.yaml" with { type: "text" };

/** The Stripe model pack: the source block, staging per stream, billing marts with metrics, golden questions. */
export const stripePack = () =>
  embeddedPack({
    name: "stripe",
    connector: "stripe",
    description:
      "Stripe billing: MRR and its movements, churn, NRR/GRR, ARPA, trials, revenue collected, failed payments",
    source: sourceText as string,
    paths: ["models/staging/stripe/", "models/intermediate/stripe/", "models/marts/billing/", "evals/stripe.yaml"],
  });
