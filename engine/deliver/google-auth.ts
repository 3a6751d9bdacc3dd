import { existsSync, readFileSync } from "node:fs";
import { DpError } from "../errors.ts";
import { registerSecret } from "../secrets.ts";

export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
export const SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets";
/** inline service-account JSON, for hosts where a key file is awkward (CI secrets) */
export const INLINE_CREDENTIALS_ENV = "DP_GOOGLE_CREDENTIALS";

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

export function credentialSource(): { kind: "inline" | "file"; ref: string } | undefined {
  if (process.env[INLINE_CREDENTIALS_ENV]) return { kind: "inline", ref: INLINE_CREDENTIALS_ENV };
  const file = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  return file ? { kind: "file", ref: file } : undefined;
}

export function loadServiceAccount(): ServiceAccountKey {
  const source = credentialSource();
  const fix = `point GOOGLE_APPLICATION_CREDENTIALS at a service-account JSON key (or put the JSON in ${INLINE_CREDENTIALS_ENV}) and share the spreadsheet with the account's client_email`;
  if (!source)
    throw new DpError("ENV_MISSING", "no Google service-account credentials", {
      where: "env GOOGLE_APPLICATION_CREDENTIALS",
      fix,
    });
  let text: string;
  if (source.kind === "inline") text = process.env[INLINE_CREDENTIALS_ENV]!;
  else {
    if (!existsSync(source.ref))
      throw new DpError("ENV_MISSING", `the Google key file ${source.ref} does not exist`, {
        where: "env GOOGLE_APPLICATION_CREDENTIALS",
        fix,
      });
    text = readFileSync(source.ref, "utf8");
  }
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw new DpError("CONFIG", "the Google credentials are not valid JSON", {
      where: source.kind === "inline" ? `env ${INLINE_CREDENTIALS_ENV}` : source.ref,
      fix,
    });
  }
  if (!key.client_email || !key.private_key) {
    throw new DpError(
      "CONFIG",
      "the Google credentials are not a service-account key (client_email and private_key are required)",
      { where: source.kind === "inline" ? `env ${INLINE_CREDENTIALS_ENV}` : source.ref, fix },
    );
  }
  registerSecret(key.private_key);
  return key as ServiceAccountKey;
}

/** The token endpoint: DP_GOOGLE_TOKEN_URL, else the key file's token_uri, else Google's. */
export function tokenUrl(key: ServiceAccountKey): string {
  return process.env.DP_GOOGLE_TOKEN_URL || key.token_uri || GOOGLE_TOKEN_URL;
}

export interface ServiceAccountExchange {
  key: Pick<ServiceAccountKey, "client_email" | "private_key">;
  scopes: string[];
  /** where to post the grant; Google's own endpoint unless a test or proxy says otherwise */
  tokenUrl?: string;
}

/**
 * The JWT-bearer grant, signed by google-auth-library, posted to `tokenUrl`: the one place dp turns a
 * service-account key into an access token (the sheets source and the sheets export both call it).
 * The token is registered as a secret. Errors are the library's own; each caller maps them.
 */
export async function exchangeServiceAccountToken({
  key,
  scopes,
  tokenUrl: target = GOOGLE_TOKEN_URL,
}: ServiceAccountExchange): Promise<string> {
  // loaded here: importing it costs every command that merely registers the exports or connectors tens of milliseconds
  const { JWT } = await import("google-auth-library");
  const client = new JWT({ email: key.client_email, key: key.private_key, scopes });
  if (target !== GOOGLE_TOKEN_URL) {
    // the library posts to Google's fixed token URL; route it to the configured endpoint
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(target);
        return config;
      },
    });
  }
  const { token } = await client.getAccessToken();
  if (!token) throw new Error("no access_token in the response");
  registerSecret(token);
  return token;
}

/** An OAuth access token for the export, from the key in GOOGLE_APPLICATION_CREDENTIALS (or inline). */
export async function googleAccessToken(scopes: string[] = [SHEETS_SCOPE]): Promise<string> {
  const key = loadServiceAccount();
  const target = tokenUrl(key);
  try {
    return await exchangeServiceAccountToken({ key, scopes, tokenUrl: target });
  } catch (e) {
    throw new DpError("IO", `Google token exchange failed: ${(e as Error).message}`, {
      where: target,
      fix: "check the service-account key (is it revoked?) and the clock of this machine",
      cause: e,
    });
  }
}
