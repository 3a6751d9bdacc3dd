/**
 * Preloaded before every test file (bunfig.toml): tests never reach a real remote
 * host. Credentials and base URLs a developer may have exported would send `dp ask`,
 * alerts or exports to the real service; each test that needs one points it at a
 * fake in tests/fakes/ explicitly.
 */
const REMOTE = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "ANTHROPIC_BASE_URL",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "DP_GOOGLE_CREDENTIALS",
  "DP_GOOGLE_TOKEN_URL",
  "DP_SHEETS_BASE_URL",
  "SLACK_WEBHOOK_URL",
  "STRIPE_API_KEY",
  "HUBSPOT_TOKEN",
];
for (const name of REMOTE) delete process.env[name];
// a developer's machine-wide DuckDB default would change what the tests measure
delete process.env.DP_MEMORY_LIMIT;
