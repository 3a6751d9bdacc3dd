import { expect, test } from "bun:test";

test("the preload removed every remote credential and base URL before the tests ran", () => {
  for (const name of [
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "SLACK_WEBHOOK_URL",
  ]) {
    expect(process.env[name]).toBeUndefined();
  }
});
