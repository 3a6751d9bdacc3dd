import type { ProjectConfig } from "../../engine/config/project-schema.ts";
import type { Provider } from "./provider.ts";

/** The provider named by `ai.provider`, or undefined when it has no key (then dp ask answers offline). */
export function providerFor(ai: ProjectConfig["ai"], env: NodeJS.ProcessEnv = process.env): Provider | undefined {
  switch (ai.provider) {
    case "anthropic": {
      const apiKey = env.ANTHROPIC_API_KEY;
      if (!apiKey) return undefined;
      // required here: the SDK costs an offline `dp ask` tens of milliseconds to import
      const { AnthropicProvider } = require("./anthropic.ts") as typeof import("./anthropic.ts");
      return new AnthropicProvider({ apiKey, baseURL: env.ANTHROPIC_BASE_URL || undefined });
    }
  }
}

export type { Provider } from "./provider.ts";
