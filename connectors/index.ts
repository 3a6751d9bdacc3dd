import { DpError } from "../engine/errors.ts";
import type { ConnectorDefinition } from "./types.ts";

/** Connectors load lazily so `dp --version` and `dp ask` never pay for them. */
const registry: Record<string, () => Promise<ConnectorDefinition<any>>> = {
  demo: async () => (await import("./demo/index.ts")).demo,
  files: async () => (await import("./files/index.ts")).files,
  postgres: async () => (await import("./postgres.ts")).postgres,
  mysql: async () => (await import("./mysql.ts")).mysql,
  stripe: async () => (await import("./stripe.ts")).stripe,
  hubspot: async () => (await import("./hubspot.ts")).hubspot,
  rest: async () => (await import("./rest/index.ts")).rest,
  webhook: async () => (await import("./webhook/index.ts")).webhook,
  sheets: async () => (await import("./sheets.ts")).sheets,
};

export function connectorNames(): string[] {
  return Object.keys(registry);
}

export function registerConnector(name: string, load: () => Promise<ConnectorDefinition<any>>): void {
  registry[name] = load;
}

export async function getConnector(name: string, where: string): Promise<ConnectorDefinition<any>> {
  const load = registry[name];
  if (!load) {
    throw new DpError("CONFIG", `unknown connector "${name}"`, {
      where,
      fix: `use one of: ${connectorNames().join(", ")}`,
    });
  }
  return load();
}
