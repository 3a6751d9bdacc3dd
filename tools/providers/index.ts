import type { ProjectConfig } from "../../engine/project-schema.ts";
import { AnthropicProvider } from "./anthropic.ts";
import type { Provider } from "./provider.ts";

/** The provider named by `ai.provider`, or undefined when it has no key (then dp ask answers offline). */
export function providerFor(ai: ProjectConfig["ai"], env: NodeJS.ProcessEnv = process.env): Provider | undefined {
  switch (ai.provider) {
    case "anthropic": {
      const apiKey = env.ANTHROPIC_API_KEY;
      return apiKey ? new AnthropicProvider({ apiKey, baseURL: env.ANTHROPIC_BASE_URL || undefined }) : undefined;
    }
  }
}

export type { Provider } from "./provider.ts";
