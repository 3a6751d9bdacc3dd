import type { AuthConfig } from "../config.ts";
import { apiKeyAuth } from "./api-key.ts";
import { basicAuth } from "./basic.ts";
import { bearerAuth } from "./bearer.ts";
import type { AuthParts } from "./types.ts";

export function makeAuth(config: AuthConfig | undefined): AuthParts | undefined {
  if (!config) return undefined;
  switch (config.type) {
    case "bearer":
      return bearerAuth(config);
    case "basic":
      return basicAuth(config);
    case "api_key":
      return apiKeyAuth(config);
  }
}
