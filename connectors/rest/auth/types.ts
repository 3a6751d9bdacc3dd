/** What an auth scheme adds to every request, and the config key holding its secret. */
export interface AuthParts {
  headers: Record<string, string>;
  query: Record<string, string>;
  /** config key path of the secret, for 401 messages */
  credentialKey: string;
  credential: string;
  /** derived values (encoded headers) to scrub from messages */
  secrets: string[];
}
