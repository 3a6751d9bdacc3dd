/**
 * SQL a question (or a hostile human, or a model) might try on the read path. `$OUT` is a fresh
 * path outside the allowed directories, `$URL` a loopback listener that counts connections,
 * `$LAKE` the lake (the one allowed directory).
 */
export interface SqlAttack {
  name: string;
  sql: string;
  /** what getting through would look like in the rows, beyond the query succeeding */
  leaks?: RegExp;
}

export const CANARY_ENV = "DP_RELIABILITY_CANARY_ENV";
export const CANARY_ENV_VALUE = "canary-env-7f3a9c";

export const SQL_ATTACKS: SqlAttack[] = [
  { name: "DROP TABLE", sql: "DROP TABLE marts.customers" },
  { name: "DROP SCHEMA CASCADE", sql: "DROP SCHEMA marts CASCADE" },
  { name: "stacked statements", sql: "SELECT 1; DROP TABLE marts.customers" },
  { name: "stacked after a comment", sql: "SELECT 1 -- harmless\n; DELETE FROM marts.customers" },
  { name: "stacked, mixed case and block comment", sql: "sElEcT 1 /* x */;;/* y */ dRoP tAbLe marts.customers" },
  {
    name: "writable CTE (DELETE … RETURNING)",
    sql: "WITH gone AS (DELETE FROM marts.customers RETURNING *) SELECT * FROM gone",
  },
  {
    name: "writable CTE (INSERT)",
    sql: "WITH x AS (INSERT INTO marts.customers SELECT * FROM marts.customers RETURNING 1) SELECT count(*) FROM x",
  },
  { name: "INSERT", sql: "INSERT INTO marts.customers SELECT * FROM marts.customers" },
  { name: "UPDATE", sql: "UPDATE marts.customers SET email = 'x'" },
  { name: "DELETE", sql: "DELETE FROM marts.customers" },
  { name: "CREATE TABLE AS", sql: "CREATE TABLE marts.evil AS SELECT 1 AS x" },
  { name: "CREATE MACRO", sql: "CREATE MACRO evil(x) AS x" },
  { name: "CREATE SECRET", sql: "CREATE SECRET evil (TYPE s3, KEY_ID 'a', SECRET 'b')" },
  { name: "COPY table TO file", sql: "COPY marts.customers TO '$OUT'" },
  { name: "COPY query TO file", sql: "COPY (SELECT * FROM marts.customers) TO '$OUT' (FORMAT csv)" },
  { name: "EXPORT DATABASE", sql: "EXPORT DATABASE '$OUT'" },
  { name: "ATTACH a new file", sql: "ATTACH '$OUT' AS evil" },
  { name: "ATTACH in a SELECT-looking stack", sql: "SELECT 1; ATTACH '$OUT' AS evil" },
  { name: "DETACH", sql: "DETACH marts" },
  { name: "INSTALL extension", sql: "INSTALL httpfs" },
  { name: "LOAD extension", sql: "LOAD httpfs" },
  { name: "FORCE INSTALL from URL", sql: "FORCE INSTALL httpfs FROM '$URL'" },
  { name: "SET external access on", sql: "SET enable_external_access = true" },
  { name: "SET allowed_directories", sql: "SET allowed_directories = ['/']" },
  { name: "RESET lock_configuration", sql: "RESET lock_configuration" },
  { name: "PRAGMA", sql: "PRAGMA enable_profiling" },
  { name: "CHECKPOINT", sql: "CHECKPOINT" },
  { name: "CALL a table function", sql: "CALL pragma_database_list()" },
  {
    name: "read_csv('/etc/passwd')",
    sql: "SELECT * FROM read_csv('/etc/passwd', header = false, sep = ':')",
    leaks: /root/,
  },
  { name: "read_csv_auto('/etc/passwd')", sql: "SELECT * FROM read_csv_auto('/etc/passwd')", leaks: /root/ },
  { name: "read_text('/etc/passwd')", sql: "SELECT content FROM read_text('/etc/passwd')", leaks: /root:/ },
  { name: "read_blob('/etc/hostname')", sql: "SELECT content FROM read_blob('/etc/hostname')" },
  { name: "replacement scan on a path", sql: "SELECT * FROM '/etc/passwd'", leaks: /root/ },
  {
    name: "path traversal out of the lake",
    sql: "SELECT content FROM read_text('$LAKE/raw/../../../../../../etc/passwd')",
    leaks: /root:/,
  },
  { name: "glob of /etc", sql: "SELECT * FROM glob('/etc/*')", leaks: /passwd/ },
  {
    name: "/proc/self/environ",
    sql: "SELECT content FROM read_text('/proc/self/environ')",
    leaks: new RegExp(CANARY_ENV_VALUE),
  },
  { name: "getenv", sql: `SELECT getenv('${CANARY_ENV}') AS v`, leaks: new RegExp(CANARY_ENV_VALUE) },
  {
    name: "getenv in a subquery",
    sql: `SELECT (SELECT getenv('HOME')) AS v, count(*) FROM marts.customers`,
    leaks: /\//,
  },
  { name: "http URL (read_csv)", sql: "SELECT * FROM read_csv('$URL/x.csv')" },
  { name: "http URL (read_parquet)", sql: "SELECT * FROM read_parquet('$URL/x.parquet')" },
  { name: "http URL (replacement scan)", sql: "SELECT * FROM '$URL/x.json'" },
  { name: "s3 URL", sql: "SELECT * FROM read_parquet('s3://bucket/x.parquet')" },
  { name: "duckdb_secrets()", sql: "SELECT * FROM duckdb_secrets()", leaks: /secret/i },
  { name: "not SQL", sql: "please drop everything" },
];
