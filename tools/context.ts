import {
  attachBuiltColumns,
  attachDimensionValues,
  readWarehouseStatus,
  type Catalog,
  type WarehouseStatus,
} from "../engine/catalog/catalog.ts";
import { loadReaderCatalog } from "../engine/catalog/catalog-cache.ts";
import { primePhraseIndex } from "../engine/catalog/phrase-stems.ts";
import { currenciesOnDays, currencyDaysKey } from "../engine/catalog/metric-query.ts";
import type { MetricDef } from "../engine/transform/model-schema.ts";
import { type Db, loadEngine, type Row, type SqlValue } from "../engine/warehouse/duckdb.ts";
import { DpError } from "../engine/errors.ts";
import type { Project } from "../engine/config/project.ts";
import { openReader } from "../engine/warehouse/snapshots.ts";
import { addCurrencyValues, fxOf } from "./fx.ts";

export interface ToolContext {
  project: Project;
  catalog: Catalog;
  /** the read-only snapshot, opened on first use; built columns are merged into the catalog then */
  db(): Promise<Db>;
  /** the metrics' dimension values into catalog.dimensionValues: the catalog cache's, else one query per dimension on the snapshot */
  dimensionValues(): Promise<void>;
  /** resolves once DuckDB's module is loaded (its cost is this thread's; an instance then opens on DuckDB's threads) */
  engineLoaded?(): Promise<void>;
  status(): Promise<WarehouseStatus>;
  /**
   * The currencies a metric's rows hold over a period, with no filter, from the catalog cache (what
   * currencyScopeQuery would read); undefined when the cache has none for the metric's mart
   */
  cachedCurrencies?(metric: MetricDef, period: { start: string; end: string }): string[] | undefined;
  /** every tool query goes through here: timeout and row cap */
  query<T extends Row = Row>(sql: string, params: SqlValue[]): Promise<T[]>;
  timeoutMs: number;
  rowCap: number;
  /** set only for the one call a human approved; callTool() refuses an `act` tool without it */
  approval?: ActApproval;
  close(): void;
}

export interface ActApproval {
  /** authority_map: a decision's label is autonomous (decisions/*.yml) · review: a human approved it in dp review */
  by: "prompt" | "--yes" | "ai.allow_act_unattended" | "authority_map" | "review";
  /** who ran the act, for its audit line (default: ask) */
  actor?: "ask" | "decision" | "review";
  /** the human who said yes, and the decision row it was for */
  who?: string;
  ref?: string;
}

/** One string for an act's audit line: "review: ana@acme.io (churn_risk/3f9a0c21b4)". */
export function approvedBy(approval: ActApproval | undefined): string | undefined {
  if (!approval) return undefined;
  return `${approval.by}${approval.who ? `: ${approval.who}` : ""}${approval.ref ? ` (${approval.ref})` : ""}`;
}

export interface ContextOptions {
  timeoutMs?: number;
  rowCap?: number;
}

const ANSWERS_KEPT = 32;

export function createToolContext(project: Project, options: ContextOptions = {}): ToolContext {
  const {
    catalog,
    status: cachedStatus,
    dimensionValues: cachedValues,
    phrases,
    currencyDays,
  } = loadReaderCatalog(project);
  // the planner starts with the stems of the catalog's phrases, stored when the snapshot was published
  if (phrases) primePhraseIndex(phrases);
  let opening: Promise<Db> | undefined;
  let opened: Db | undefined;
  let status: Promise<WarehouseStatus> | undefined;
  let values: Promise<void> | undefined;
  const answered = new Map<string, Promise<Row[]>>();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const rowCap = options.rowCap ?? 500;
  const db = () =>
    (opening ??= openReader(project).then(async (d) => {
      opened = d;
      await attachBuiltColumns(catalog, d);
      return d;
    }));
  return {
    project,
    catalog,
    db,
    engineLoaded: loadEngine,
    dimensionValues: () =>
      (values ??=
        // the snapshot is immutable: values cached when it was published are the values read now, without it
        (
          cachedValues
            ? Promise.resolve().then(() => {
                catalog.dimensionValues = new Map(cachedValues);
              })
            : db().then((d) => attachDimensionValues(catalog, d))
        ).then(() => addCurrencyValues(catalog, fxOf(project.config.vars)))),
    status: () => (status ??= cachedStatus ? Promise.resolve(cachedStatus) : db().then(readWarehouseStatus)),
    cachedCurrencies(metric, period) {
      const days = currencyDays?.get(currencyDaysKey(metric));
      return days && currenciesOnDays(days, period);
    },
    timeoutMs,
    rowCap,
    async query<T extends Row = Row>(sql: string, params: SqlValue[]): Promise<T[]> {
      // the snapshot is immutable: the same statement with the same values (the currencies of one mart and
      // period, asked by a metric and by its numerator and denominator) is read once per context
      const key = JSON.stringify([sql, params], (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
      let read = answered.get(key);
      if (!read) {
        read = run(sql, params);
        answered.set(key, read);
        // a long-lived context (dp serve, dp mcp, the REPL) keeps only the latest few
        if (answered.size > ANSWERS_KEPT) answered.delete(answered.keys().next().value!);
        read.catch(() => answered.delete(key));
      }
      return (await read).map((r) => ({ ...r })) as T[];
    },
    close() {
      opened?.close();
    },
  };
  async function run(sql: string, params: SqlValue[]): Promise<Row[]> {
    const d = await db();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        d.conn.interrupt();
        reject(
          new DpError("INTERNAL", `a tool query ran longer than ${timeoutMs} ms and was stopped`, {
            fix: "narrow the period or the filters",
          }),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([d.all(sql, params), timeout]);
    } catch (e) {
      throw notBuilt(e, catalog) ?? e;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A mart the catalog knows but the snapshot lacks (never built, or a decision that has not run yet): say so plainly. */
function notBuilt(e: unknown, catalog: Catalog): DpError | undefined {
  const name = /Table with name (\w+) does not exist/.exec((e as Error)?.message ?? "")?.[1];
  const mart = name ? catalog.models.get(name) : undefined;
  if (!mart) return undefined;
  const decision = mart.tags.includes("decision");
  return new DpError("NOT_FOUND", `${mart.schema}.${mart.name} has not been built yet`, {
    where: `${mart.schema}.${mart.name}`,
    fix: decision
      ? "run `dp run`: a decision's mart is built by its decide step, after its input passes its tests"
      : "run `dp run` (or `dp build`)",
    exitCode: 1,
  });
}
