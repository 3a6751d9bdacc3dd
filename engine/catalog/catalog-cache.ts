import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  attachBuiltColumns,
  attachDimensionValues,
  catalogOf,
  loadCatalog,
  readWarehouseStatus,
  type Catalog,
  type CatalogModel,
  type LatestTest,
  type ModelRun,
  type WarehouseStatus,
} from "./catalog.ts";
import type { Db } from "../warehouse/duckdb.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { phraseIndex, type PhraseIndex } from "./phrase-stems.ts";
import type { MetricDef } from "../transform/model-schema.ts";
import { currencyDaysKey, currencyDaysOf, currencyDaysQuery, type CurrencyDays } from "./metric-query.ts";
import { loadModels, walk } from "../transform/models.ts";
import { PROJECT_FILE, type Project } from "../config/project.ts";
import { DECISIONS_DIR } from "../transform/decision-file.ts";
import { currentPointer, type SnapshotSidecar } from "../warehouse/snapshots.ts";

// 5: columns carry currency_column (a cache written before would rank an amount by the wrong currency)
// 6: a decision's label column carries its labels (values): a cache written before reads "high risk" as no label
const VERSION = 6;

/**
 * The resolved catalog (models with their built columns, metrics) written beside a snapshot when it is
 * published, so readers skip the YAML, its validation and the column query while the model files are
 * unchanged; and the snapshot's run and test status and the metrics' dimension values, which cannot change
 * since the snapshot is immutable (an offline ask read them with one query per dimension, ≈30 ms).
 */
interface CachedCatalog {
  version: number;
  snapshot: string;
  fingerprint: string;
  models: (CatalogModel & { parents: string[] })[];
  metrics: MetricDef[];
  status: { lastRun: [string, ModelRun][]; lastSuccess: [string, ModelRun][]; tests: LatestTest[] };
  /** attachDimensionValues' result on this snapshot */
  dimensionValues: [string, string[]][];
  /** the stems of the catalog's phrases, which the offline planner reads every question against */
  phrases: PhraseIndex;
  /** readCurrencyDays' result on this snapshot; absent in a cache written before it (query_metric then queries) */
  currencyDays?: [string, CurrencyDays][];
}

export interface ReaderCatalog {
  catalog: Catalog;
  /** the snapshot's status, when the catalog came from the cache */
  status?: WarehouseStatus;
  /** the snapshot's dimension values (what attachDimensionValues reads), when the catalog came from the cache */
  dimensionValues?: Map<string, string[]>;
  /** the stems of the catalog's phrases (primePhraseIndex), when the catalog came from the cache */
  phrases?: PhraseIndex;
  /** each currency metric's days with their currencies (currencyDaysKey → days), when the catalog came from the cache */
  currencyDays?: Map<string, CurrencyDays>;
}

/**
 * The currencies on each day of every metric's mart that has a currency column: query_metric's currency scope
 * of a call without filters (a ratio's value, numerator and denominator, its trend) is read from these instead
 * of one DISTINCT query per call. A mart with more than MAX_CURRENCY_DAYS days, or one not built, is left out.
 */
async function readCurrencyDays(catalog: Catalog, db: Db): Promise<[string, CurrencyDays][]> {
  const out = new Map<string, CurrencyDays>();
  const tried = new Set<string>();
  for (const metric of catalog.metrics) {
    const key = currencyDaysKey(metric);
    if (tried.has(key)) continue;
    tried.add(key);
    try {
      const sql = currencyDaysQuery(catalog, metric);
      const days = sql ? currencyDaysOf(await db.all<{ day: unknown; currencies: unknown }>(sql)) : null;
      if (days) out.set(key, days);
    } catch {
      // a mart that is not built yet, or no longer a model: its calls query
    }
  }
  return [...out];
}

/**
 * The phrases the planner stems for every question: metric names, labels and synonyms, and each
 * dimension's name (whole, split at `_`, and without a `_name`/`_tier`… suffix), synonyms, value
 * synonyms and values. A phrase left out is stemmed when the planner asks for it.
 */
function catalogPhrases(catalog: Catalog, values: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const m of catalog.metrics) {
    out.push(m.name.replaceAll("_", " "), ...(m.label ? [m.label] : []), ...m.synonyms);
    for (const d of m.dimensions) {
      const col = catalog.models.get(m.mart)?.columns.find((c) => c.name === d);
      const trimmed = d.replace(/_(name|id|tier|type|code|key|label)$/, "");
      out.push(d, d.replaceAll("_", " "), trimmed.replaceAll("_", " "), ...(/_(tier|type)$/.exec(d)?.slice(1) ?? []));
      out.push(
        ...(col?.synonyms ?? []),
        ...Object.keys(col?.value_synonyms ?? {}),
        ...(values.get(`${m.mart}.${d}`) ?? []),
      );
    }
  }
  return out;
}

export function catalogCacheFile(snapshotFile: string): string {
  return `${snapshotFile.replace(/\.duckdb$/, "")}.catalog.json`;
}

/** Paths, sizes and mtimes of everything loadCatalog reads (models, decisions); project.yaml too, since its sources decide whether source() calls are valid. */
export function modelFilesFingerprint(project: Project): string {
  const hash = createHash("sha1");
  for (const file of [
    join(project.dir, PROJECT_FILE),
    ...walk(project.paths.models).filter((f) => /\.(sql|ya?ml)$/.test(f)),
    // a decision's mart is in the catalog too
    ...walk(join(project.dir, DECISIONS_DIR)).filter((f) => /\.ya?ml$/.test(f)),
  ]) {
    const s = statSync(file, { throwIfNoEntry: false });
    hash.update(`${file}\t${s ? `${s.mtimeMs}\t${s.size}` : "-"}\n`);
  }
  return hash.digest("hex");
}

/** The catalog cache as the sidecar a publish writes beside its snapshot. */
export function catalogSidecar(project: Project): SnapshotSidecar {
  // loaded by prepare() while the publish's checkpoint runs on DuckDB's threads, used by the one write that follows
  let loaded: LoadedCatalog | undefined;
  return Object.assign(
    (db: Db, snapshotFile: string) => {
      const files = loaded ?? loadCatalogFiles(project);
      loaded = undefined;
      return writeCatalogCache(project, db, snapshotFile, files);
    },
    { prepare: () => void (loaded = loadCatalogFiles(project)) },
  );
}

/** What the cache reads from the project's files: their fingerprint, then the catalog they load to (or why not). */
interface LoadedCatalog {
  fingerprint: string;
  catalog?: Catalog;
}

function loadCatalogFiles(project: Project): LoadedCatalog {
  // the fingerprint first: a file edited while the catalog loads leaves a cache that never matches
  const fingerprint = modelFilesFingerprint(project);
  try {
    return { fingerprint, catalog: loadCatalog(project) };
  } catch {
    // a project whose models do not load has no catalog to cache; readers load it and report why
    return { fingerprint };
  }
}

/** Written before the pointer names the snapshot, from the writer's connection (same content, just checkpointed). */
export async function writeCatalogCache(
  project: Project,
  db: Db,
  snapshotFile: string,
  files: LoadedCatalog = loadCatalogFiles(project),
): Promise<void> {
  const { fingerprint, catalog } = files;
  if (!catalog) return;
  let status: WarehouseStatus;
  let dimensionValues: Map<string, string[]>;
  let currencyDays: [string, CurrencyDays][];
  try {
    await attachBuiltColumns(catalog, db);
    status = await readWarehouseStatus(db);
    await attachDimensionValues(catalog, db);
    dimensionValues = catalog.dimensionValues ?? new Map();
    currencyDays = await readCurrencyDays(catalog, db);
  } catch {
    // a project whose models do not load has no catalog to cache; readers load it and report why
    return;
  }
  const cached: CachedCatalog = {
    version: VERSION,
    snapshot: snapshotFile,
    fingerprint,
    models: [...catalog.models.values()].map((m) => ({ ...m, parents: catalog.parents(m.name) })),
    metrics: catalog.metrics,
    status: { lastRun: [...status.lastRun], lastSuccess: [...status.lastSuccess], tests: status.tests },
    dimensionValues: [...dimensionValues],
    phrases: phraseIndex(catalogPhrases(catalog, dimensionValues)),
    currencyDays,
  };
  writeFileAtomic(join(project.paths.snapshots, catalogCacheFile(snapshotFile)), JSON.stringify(cached));
}

function readCatalogCache(project: Project): ReaderCatalog | undefined {
  const pointer = currentPointer(project);
  if (!pointer) return undefined;
  let cached: CachedCatalog;
  try {
    cached = JSON.parse(
      readFileSync(join(project.paths.snapshots, catalogCacheFile(pointer.file)), "utf8"),
    ) as CachedCatalog;
  } catch {
    return undefined;
  }
  if (
    cached.version !== VERSION ||
    cached.snapshot !== pointer.file ||
    cached.fingerprint !== modelFilesFingerprint(project)
  )
    return undefined;
  const models = new Map<string, CatalogModel>();
  const parents = new Map<string, string[]>();
  for (const { parents: p, ...m } of cached.models) {
    models.set(m.name, m);
    parents.set(m.name, p);
  }
  return {
    catalog: catalogOf(project, {
      models,
      metrics: cached.metrics,
      parents: (n) => parents.get(n) ?? [],
      graph: () => loadModels(project),
      builtColumns: true,
    }),
    status: {
      lastRun: new Map(cached.status.lastRun),
      lastSuccess: new Map(cached.status.lastSuccess),
      tests: cached.status.tests,
    },
    dimensionValues: new Map(cached.dimensionValues),
    phrases: cached.phrases,
    ...(cached.currencyDays ? { currencyDays: new Map(cached.currencyDays) } : {}),
  };
}

/** The catalog readers use: the one cached with the current snapshot while the model files match it, else loaded from them. */
export function loadReaderCatalog(project: Project): ReaderCatalog {
  return readCatalogCache(project) ?? { catalog: loadCatalog(project) };
}
