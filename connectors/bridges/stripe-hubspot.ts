import { embeddedPack } from "../../engine/config/pack.ts";

/**
 * What needs both packs: every Stripe customer matched to its HubSpot company (and how), and one row
 * per business customer. `dp add` writes it once a project has both a stripe and a hubspot source.
 */
export const stripeHubspotPack = () =>
  embeddedPack({
    name: "stripe+hubspot",
    connector: "stripe",
    requires: ["stripe", "hubspot"],
    description: "Stripe customers matched to HubSpot companies; one row per business customer",
    paths: ["models/marts/customers/"],
  });
