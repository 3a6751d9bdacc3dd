/**
 * How a 403 becomes StreamAccessDenied (what the credentials lack, read from the vendor's answer) and
 * anything else stays as it was: a 401 is bad credentials for every stream, never a skippable one.
 */
import { describe, expect, test } from "bun:test";
import { HttpAuthError } from "../../connectors/http/client.ts";
import { deniedStream as hubspotDenied } from "../../connectors/hubspot/denied.ts";
import { deniedStream as stripeDenied } from "../../connectors/stripe/denied.ts";
import { StreamAccessDenied, type ReadContext } from "../../engine/ingest/connector.ts";
import { DpError } from "../../engine/errors.ts";

const ctx = (stream: string, source: string) => ({ stream: { name: stream }, source }) as unknown as ReadContext;
const auth = (status: number, body: unknown) =>
  new HttpAuthError(status, typeof body === "string" ? body : JSON.stringify(body), `rejected (${status})`, {});

describe("hubspot", () => {
  test("403 MISSING_SCOPES names the granular scope and how to add it", () => {
    const e = hubspotDenied(
      auth(403, {
        status: "error",
        category: "MISSING_SCOPES",
        message: "This app hasn't been granted all required scopes to make this call.",
        errors: [
          {
            message: "One or more of the following scopes are required.",
            context: { requiredGranularScopes: ["crm.objects.owners.read"] },
          },
        ],
      }),
      ctx("owners", "crm"),
    ) as StreamAccessDenied;
    expect(e).toBeInstanceOf(StreamAccessDenied);
    expect({ stream: e.stream, lacks: e.lacks, code: e.code, where: e.where }).toEqual({
      stream: "owners",
      lacks: "scope crm.objects.owners.read",
      code: "SOURCE_AUTH",
      where: "sources.crm.config.access_token",
    });
    expect(e.grant).toStartWith("add crm.objects.owners.read to the scopes of the HubSpot private app");
  });

  test("the older answer (requires any of [...]) names each scope", () => {
    const e = hubspotDenied(
      auth(403, {
        status: "error",
        category: "FORBIDDEN",
        message:
          "This oauth-token (...) does not have proper permissions! (requires any of [crm.objects.companies.read, crm.objects.companies.write])",
      }),
      ctx("companies", "hubspot"),
    ) as StreamAccessDenied;
    expect(e.lacks).toBe("scope crm.objects.companies.read or crm.objects.companies.write");
    expect(e.grant).toStartWith("add one of crm.objects.companies.read, crm.objects.companies.write to");
  });

  test("401 and other errors pass through unchanged", () => {
    const unauthorized = auth(401, { status: "error", category: "INVALID_AUTHENTICATION", message: "no" });
    expect(hubspotDenied(unauthorized, ctx("owners", "hubspot"))).toBe(unauthorized);
    const other = new DpError("SOURCE_HTTP", "returned 500");
    expect(hubspotDenied(other, ctx("owners", "hubspot"))).toBe(other);
  });
});

describe("stripe", () => {
  test("a restricted key's 403 names the rak_ permission Stripe says would allow the request", () => {
    const e = stripeDenied(
      auth(403, {
        error: {
          type: "invalid_request_error",
          message:
            "The provided key 'rk_test_*****qs8Kgd' does not have the required permissions for this endpoint on account 'acct_1PJBLEBBLEfV'. Having the 'rak_refund_read' permission would allow this request to continue.",
        },
      }),
      ctx("refunds", "stripe"),
    ) as StreamAccessDenied;
    expect({ lacks: e.lacks, where: e.where }).toEqual({
      lacks: "permission rak_refund_read",
      where: "sources.stripe.config.api_key",
    });
    expect(e.message).toBe("no access to stream refunds (403): the credentials lack permission rak_refund_read");
  });

  test("an endpoint no restricted key may read says so", () => {
    const e = stripeDenied(
      auth(403, {
        error: {
          type: "invalid_request_error",
          message:
            "The provided key 'rk_test_***' does not have the required permissions for this endpoint on account 'acct_1'. This is a restricted API key, but the required permissions are not available for use by restricted keys.",
        },
      }),
      ctx("payouts", "stripe"),
    ) as StreamAccessDenied;
    expect(e.lacks).toBe("a permission restricted keys cannot have (/v1/payouts)");
    expect(e.grant).toContain("or a secret key");
  });

  test("401 passes through unchanged", () => {
    const bad = auth(401, {
      error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****" },
    });
    expect(stripeDenied(bad, ctx("refunds", "stripe"))).toBe(bad);
  });
});
