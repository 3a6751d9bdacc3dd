import { registerPack } from "../engine/config/pack.ts";
import { registerConnector } from "../engine/ingest/connector-registry.ts";

/** Every built-in connector, registered on the engine's registry when this module is imported. */
registerConnector("demo", async () => (await import("./demo/index.ts")).demo);
registerConnector("files", async () => (await import("./files/index.ts")).files);
registerConnector("postgres", async () => (await import("./sql/postgres.ts")).postgres);
registerConnector("mysql", async () => (await import("./sql/mysql.ts")).mysql);
registerConnector("stripe", async () => (await import("./stripe/index.ts")).stripe);
registerConnector("hubspot", async () => (await import("./hubspot/index.ts")).hubspot);
registerConnector("rest", async () => (await import("./rest/index.ts")).rest);
registerConnector("webhook", async () => (await import("./webhook/index.ts")).webhook);
registerConnector("sheets", async () => (await import("./sheets.ts")).sheets);

/** Model packs for real sources (`dp init --with`, `dp add`). */
registerPack("stripe", async () => (await import("./stripe/pack.ts")).stripePack());
registerPack("hubspot", async () => (await import("./hubspot/pack.ts")).hubspotPack());
registerPack("stripe+hubspot", async () => (await import("./bridges/stripe-hubspot.ts")).stripeHubspotPack());

export { connectorNames, getConnector } from "../engine/ingest/connector-registry.ts";
