import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { DpError } from "../engine/errors.ts";
import { exchangeServiceAccountToken, GOOGLE_TOKEN_URL } from "../engine/deliver/google-auth.ts";
import { registerSecret } from "../engine/secrets.ts";
import { HttpClient } from "./http/client.ts";
import { backoffDelayMs } from "../engine/ingest/http-retry.ts";
import {
  defineConnector,
  type Batch,
  type RawRecord,
  type ReadContext,
  type StreamSpec,
} from "../engine/ingest/connector.ts";

const READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly";
const KEY_FILE_ENV = "GOOGLE_APPLICATION_CREDENTIALS";
/** the sheet's own row number, so every row has a stable key even without an id column */
export const ROW_COLUMN = "_row";

const sheetsConfig = z.strictObject({
  spreadsheet_id: z.string().min(1),
  /** stream name → A1 range whose first row is the header: { deals: { range: "Deals!A1:H" } } */
  streams: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, "stream names are lowercase snake_case"),
      z.strictObject({
        range: z.string().min(1),
        primary_key: z.array(z.string()).min(1).optional(),
        spreadsheet_id: z.string().min(1).optional(),
      }),
    )
    .refine((s) => Object.keys(s).length > 0, "name at least one stream"),
  /** env var holding the service-account JSON itself; without it, GOOGLE_APPLICATION_CREDENTIALS names a key file */
  credentials_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
    .optional(),
  token_url: z.url().default(GOOGLE_TOKEN_URL),
  base_url: z.url().default("https://sheets.googleapis.com"),
  timeout_seconds: z.number().positive().default(30),
});

export type SheetsConfig = z.infer<typeof sheetsConfig>;

interface ServiceAccount {
  client_email: string;
  private_key: string;
}

interface ValueRange {
  range?: string;
  values?: unknown[][];
}

export const sheets = defineConnector<SheetsConfig>({
  name: "sheets",
  description: "Google Sheets ranges (header row → columns), read with a service account",
  config: sheetsConfig,
  streams: (config) =>
    Object.entries(config.streams).map(
      ([name, s]): StreamSpec => ({
        name,
        primaryKey: s.primary_key ?? [ROW_COLUMN],
        description: `Google Sheets ${s.range}`,
      }),
    ),
  read: readRange,
});

/** A range is small and has no cursor: every pull lands a full snapshot; staging keeps the latest run. */
async function* readRange(config: SheetsConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const stream = config.streams[ctx.stream.name]!;
  const credentialsVar = config.credentials_env ?? KEY_FILE_ENV;
  const token = await accessToken(config, ctx, credentialsVar);
  const client = new HttpClient(ctx, {
    label: "google sheets",
    baseUrl: config.base_url,
    headers: { authorization: `Bearer ${token}` },
    timeoutMs: config.timeout_seconds * 1000,
    secrets: [token],
  });
  const id = stream.spreadsheet_id ?? config.spreadsheet_id;
  let res;
  try {
    res = await client.get<ValueRange>(
      `/v4/spreadsheets/${encodeURIComponent(id)}/values/${encodeURIComponent(stream.range)}`,
      {
        majorDimension: "ROWS",
        valueRenderOption: "UNFORMATTED_VALUE",
        dateTimeRenderOption: "FORMATTED_STRING",
      },
    );
  } catch (e) {
    if (e instanceof DpError && e.code === "SOURCE_AUTH")
      throw authError(ctx, credentialsVar, e.message.replace(/; check [^;]*$/, ""), e);
    throw e;
  }
  const values = res.data?.values ?? [];
  client.page(Math.max(0, values.length - 1), res.url);
  const records = toRecords(values, rowOffset(stream.range));
  yield { records, state: undefined };
}

/** Header cells become column names: trimmed, blanks named by position, repeats suffixed. */
export function toRecords(values: unknown[][], firstRow = 1): RawRecord[] {
  const [header = [], ...rows] = values;
  const used = new Map<string, number>();
  const names = header.map((h, i) => {
    const base = String(h ?? "").trim() || `column_${i + 1}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
  const records: RawRecord[] = [];
  rows.forEach((row, i) => {
    if (!row?.some((v) => v !== "" && v !== null && v !== undefined)) return;
    const r: RawRecord = { [ROW_COLUMN]: firstRow + 1 + i };
    names.forEach((name, c) => {
      const v = row[c];
      r[name] = v === "" || v === undefined ? null : v;
    });
    records.push(r);
  });
  return records;
}

/** "Deals!A5:F" → 5: the header's row number, so _row matches what a person sees in the sheet. */
function rowOffset(range: string): number {
  const m = /!\$?[A-Z]*\$?(\d+)/i.exec(range);
  return m ? Number(m[1]) : 1;
}

function loadServiceAccount(ctx: ReadContext, credentialsVar: string, inline: boolean): ServiceAccount {
  const where = `env ${credentialsVar}`;
  const fix = inline
    ? `put a service-account JSON key in ${credentialsVar} and share the spreadsheet with its client_email`
    : `point ${credentialsVar} at a service-account JSON key file (or set sources.${ctx.source}.config.credentials_env) and share the spreadsheet with its client_email`;
  const raw = process.env[credentialsVar];
  if (!raw)
    throw new DpError(
      "ENV_MISSING",
      `${credentialsVar} is not set: no Google service-account credentials for ${ctx.source}`,
      { where, fix },
    );
  let text = raw;
  if (!inline) {
    if (!existsSync(raw))
      throw new DpError("ENV_MISSING", `${credentialsVar} points at ${raw}, which does not exist`, { where, fix });
    text = readFileSync(raw, "utf8");
  }
  let key: Partial<ServiceAccount>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccount>;
  } catch {
    throw new DpError("CONFIG", `${credentialsVar} does not hold valid service-account JSON`, { where, fix });
  }
  if (!key.client_email || !key.private_key)
    throw new DpError(
      "CONFIG",
      `${credentialsVar} is not a service-account key (client_email and private_key are required)`,
      { where, fix },
    );
  registerSecret(key.private_key);
  return key as ServiceAccount;
}

/** The service-account token (engine/deliver/google-auth.ts), retried per ctx.retry; refusals name the env var. */
async function accessToken(config: SheetsConfig, ctx: ReadContext, credentialsVar: string): Promise<string> {
  const key = loadServiceAccount(ctx, credentialsVar, config.credentials_env !== undefined);
  const { maxAttempts, maxWaitMs } = ctx.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      return await exchangeServiceAccountToken({ key, scopes: [READONLY_SCOPE], tokenUrl: config.token_url });
    } catch (e) {
      const status =
        (e as { status?: number; response?: { status?: number } }).status ??
        (e as { response?: { status?: number } }).response?.status;
      if (status === 400 || status === 401 || status === 403)
        throw authError(
          ctx,
          credentialsVar,
          `Google refused the service-account token exchange (${status}): ${(e as Error).message}`,
          e,
        );
      if (attempt >= maxAttempts) {
        throw new DpError(
          "SOURCE_TRANSIENT",
          `Google token exchange failed after ${attempt} attempts: ${(e as Error).message}`,
          { transient: true, where: config.token_url, cause: e },
        );
      }
      ctx.progress?.({ retries: attempt });
      await Bun.sleep(backoffDelayMs(attempt, { maxMs: maxWaitMs, baseMs: 1000 }));
    }
  }
}

function authError(ctx: ReadContext, credentialsVar: string, detail: string, cause: unknown): DpError {
  return new DpError("SOURCE_AUTH", `${detail}; check ${credentialsVar}`, {
    where: `env ${credentialsVar} (sources.${ctx.source})`,
    fix: `set ${credentialsVar} to a valid service-account key and share the spreadsheet with its client_email (Viewer is enough), then rerun \`dp pull ${ctx.source}\``,
    cause,
  });
}
