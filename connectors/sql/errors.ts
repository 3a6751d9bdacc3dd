import { envVarsHolding } from "../../engine/config/env.ts";
import { DpError } from "../../engine/errors.ts";
import { redact } from "../../engine/secrets.ts";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR",
  "ER_CONNECTION_KILLED",
  "ER_SERVER_SHUTDOWN",
]);
const AUTH_CODES = new Set([
  "28P01",
  "28000",
  "ER_ACCESS_DENIED_ERROR",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_NOT_SUPPORTED_AUTH_MODE",
]);
const MISSING_CODES = new Set([
  "3D000",
  "42P01",
  "42703",
  "3F000",
  "ER_BAD_DB_ERROR",
  "ER_NO_SUCH_TABLE",
  "ER_BAD_FIELD_ERROR",
]);
/** postgres: query_canceled (statement_timeout), lock_not_available; MariaDB max_statement_time, MySQL max_execution_time, lock waits */
const TIMEOUT_CODES = new Set([
  "57014",
  "55P03",
  "ER_STATEMENT_TIMEOUT",
  "ER_QUERY_TIMEOUT",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_QUERY_INTERRUPTED",
]);
/** postgres classes 08 (connection), 53 (resources), 57P (shutdown, terminated by an administrator), 40001/40P01 (serialization, deadlock) */
const TRANSIENT_SQLSTATE = /^(08|53|57P)|^40001$|^40P01$/;
/** what the drivers say about a connection that is gone, when they give no code */
const GONE =
  /connection terminated|not queryable|closed state|connection is closed|timeout|socket hang up|connection lost/i;

export interface Secrets {
  url?: string;
  password?: string;
}

/** Connection failures and timeouts are worth retrying; refused credentials and missing objects are not. */
export function mapError(e: unknown, dialect: string, stream?: string, secrets: Secrets = {}): DpError {
  if (e instanceof DpError) return e;
  const err = e as { code?: string; message?: string; sqlState?: string };
  const code = err.code ?? "";
  const message = redact(err.message ?? String(e));
  const where = stream ? ` (stream "${stream}")` : "";
  if (AUTH_CODES.has(code) || code.startsWith("ER_ACCESS_DENIED") || err.sqlState === "28000") {
    return new DpError("SOURCE_AUTH", `${dialect} refused the login: ${message}`, {
      fix: credentialFix(secrets),
      cause: e,
    });
  }
  if (MISSING_CODES.has(code)) {
    return new DpError("CONFIG", `${dialect}: ${message}${where}`, {
      fix: "check the database, table and column names in the source's config",
      cause: e,
    });
  }
  if (TIMEOUT_CODES.has(code)) {
    return new DpError("SOURCE_TRANSIENT", `${dialect}: a query ran past statement_timeout${where}: ${message}`, {
      transient: true,
      fix: "raise the source's config.statement_timeout, or find what holds a lock on the table (a long transaction, a migration)",
      cause: e,
    });
  }
  if (NETWORK_CODES.has(code) || TRANSIENT_SQLSTATE.test(code) || GONE.test(message)) {
    return new DpError("SOURCE_TRANSIENT", `${dialect} unreachable: ${message || code}`, {
      transient: true,
      cause: e,
    });
  }
  return new DpError("SOURCE_DATA", `${dialect}${where}: ${message}`, { cause: e });
}

/** Name the env var the credentials came from, found by value; its value is never printed. */
export function credentialFix(secrets: Secrets): string {
  const names = [...new Set([...envVarsHolding(secrets.url), ...envVarsHolding(secrets.password)])];
  return names.length
    ? `check the credentials in ${names.map((n) => `$${n}`).join(" / ")}`
    : "check the user and password (set them from ${ENV} in project.yaml)";
}
