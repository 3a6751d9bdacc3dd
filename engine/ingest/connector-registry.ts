import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import type { ConnectorDefinition } from "./connector.ts";

/**
 * The engine owns the registry; connectors put themselves on it (connectors/index.ts), so the
 * ground floor never imports a connector. A loader is lazy so `dp --version` and `dp ask` never
 * pay for a connector they do not run.
 */
const registry = new Map<string, () => Promise<ConnectorDefinition<any>>>();

export function registerConnector(name: string, load: () => Promise<ConnectorDefinition<any>>): void {
  registry.set(name, load);
}

export function connectorNames(): string[] {
  return [...registry.keys()];
}

/** `where` names the key for the error (a function: found only for an error, project.locate costs ≈30 ms the first time). */
export async function getConnector(name: string, where: string | (() => string)): Promise<ConnectorDefinition<any>> {
  const load = registry.get(name);
  if (!load) {
    throw new DpError("CONFIG", `unknown connector "${name}"`, {
      where: typeof where === "string" ? where : where(),
      fix: registry.size
        ? didYouMean(name, connectorNames())
        : "no connector is registered: import connectors/index.ts before pulling",
    });
  }
  return load();
}
