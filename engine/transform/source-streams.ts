import type { Project } from "../config/project.ts";
import { DpError } from "../errors.ts";
import { StateStore, type StreamRecord } from "../ingest/cursor-state.ts";
import { LOADED_AT, RUN_ID, sqlType, streamHasData } from "../ingest/lake-writer.ts";
import { loadSourceConnector } from "../ingest/pull.ts";
import { ident } from "../warehouse/duckdb.ts";
import { loadModels, type Model, type ModelGraph } from "./models.ts";

/**
 * The raw streams the models read, and what becomes of one that has never landed (or that its source's config no
 * longer pulls: its files stay in the lake, unread until the stream is listed again). A stream a model declares
 * in `optional_sources` (the account settings a token may not reach, the owners a project left out) is read as
 * an empty relation of its declared columns, so the marts build on what is present and the build says which
 * stream is absent; a stream some model needs that its source does not even pull is a config error naming
 * the key to add, before anything is pulled or built.
 */

/** A stream that has never landed, and the models that read it. */
export interface AbsentStream {
  source: string;
  stream: string;
  /** true: `models` declare it under optional_sources and read it empty; false: `models` need it */
  optional: boolean;
  models: string[];
  /** false when the source's config does not pull it (a pull cannot help: project.yaml must change) */
  pulled: boolean;
  /** why it is absent: "not in sources.hubspot.config.streams", "never landed" */
  why: string;
  /** optional streams: what the models give without it (the declaration's when_absent) */
  whenAbsent?: string;
  /** the last pull could not read it (a scope or permission the credentials lack): how to grant it */
  deniedFix?: string;
}

/** An optional stream as the models declare it: the columns its empty relation has. */
export interface OptionalStream {
  columns: Record<string, string>;
  whenAbsent?: string;
  /** the first model declaring it (where a wrong type is reported) */
  by: Model;
}

const key = (s: { source: string; stream: string }) => `${s.source}.${s.stream}`;

/** Whether this model reads the stream as optional (declared under its optional_sources). */
export function readsOptional(model: Model, stream: string): boolean {
  return !!model.config.optional_sources?.[stream];
}

/**
 * The streams some model declares optional, with the columns their empty relation has; a model that reads
 * one without declaring it still needs it, and two declarations of one stream must agree on each type.
 */
export function optionalStreams(graph: ModelGraph): Map<string, OptionalStream> {
  const out = new Map<string, OptionalStream>();
  for (const m of graph.models.values()) {
    for (const s of m.sources) {
      const decl = m.config.optional_sources?.[s.stream];
      if (!decl) continue;
      const seen = out.get(key(s));
      if (!seen) {
        out.set(key(s), { columns: decl.columns, whenAbsent: decl.when_absent, by: m });
        continue;
      }
      const differ = Object.entries(decl.columns).find(([c, t]) => c in seen.columns && seen.columns[c] !== t);
      if (differ) {
        throw new DpError(
          "CONFIG",
          `models ${seen.by.name} and ${m.name} declare optional stream ${key(s)} with column ${differ[0]} as ${seen.columns[differ[0]]} and ${differ[1]}`,
          { where: m.yamlWhere ?? m.displayPath, fix: "give the column the type the connector lands in both" },
        );
      }
      seen.columns = { ...seen.columns, ...decl.columns };
    }
  }
  return out;
}

/**
 * The streams the models read only as optional (some model reads each, every reader declares it), with
 * what they give without it: what the pull may skip when the credentials cannot read one (PullOptions.optional).
 */
export function optionalReads(graph: ModelGraph): Map<string, { whenAbsent?: string }> {
  const declared = optionalStreams(graph);
  const needed = new Set<string>();
  for (const m of graph.models.values()) for (const s of m.sources) if (!readsOptional(m, s.stream)) needed.add(key(s));
  const out = new Map<string, { whenAbsent?: string }>();
  for (const [k, o] of declared) if (!needed.has(k)) out.set(k, whenAbsent(o));
  return out;
}

/** optionalReads of the project's models; none when the models do not load (the build reports that). */
export function projectOptionalReads(project: Project): Map<string, { whenAbsent?: string }> {
  try {
    return optionalReads(loadModels(project));
  } catch {
    return new Map();
  }
}

/**
 * A stream has something to read when files landed, or when a pull succeeded with no record (a portal
 * without companies): that one is an empty table of the columns the pull declared (emptyStreamSelect).
 */
export function hasLanded(rawDir: string, store: StateStore, source: string, stream: string): boolean {
  return streamHasData(rawDir, source, stream) || !!pulledEmpty(store.read(source).streams[stream]);
}

function pulledEmpty(rec: StreamRecord | undefined): StreamRecord | undefined {
  return rec?.last_success_at && !(rec.rows_total ?? 0) && rec.schema?.length ? rec : undefined;
}

/** A stream pulled successfully that has never had a record: a typed empty SELECT of its declared columns. */
export function emptyStreamSelect(store: StateStore, source: string, stream: string): string | undefined {
  const rec = pulledEmpty(store.read(source).streams[stream]);
  return rec ? emptySelect(rec.schema!) : undefined;
}

/** An optional stream that has never landed: a typed empty SELECT of the columns the models declare. */
export function declaredEmptySelect(optional: OptionalStream): string {
  return emptySelect(Object.entries(optional.columns).map(([name, type]) => ({ name, type })));
}

function emptySelect(schema: { name: string; type: string }[]): string {
  const columns = [
    ...schema,
    { name: RUN_ID, type: "VARCHAR" },
    { name: LOADED_AT, type: "TIMESTAMP WITH TIME ZONE" },
    { name: "load_date", type: "DATE" },
  ];
  return `SELECT ${columns.map((c) => `CAST(NULL AS ${sqlType(c.type)}) AS ${ident(c.name)}`).join(", ")} WHERE false`;
}

/**
 * The streams the selected models read that have never landed, with why: a source whose config does not
 * pull the stream says which key to edit. Required ones (some model needs them) and optional ones alike.
 */
export async function absentStreams(
  project: Project,
  graph: ModelGraph,
  store: StateStore,
  selected: Iterable<string> = graph.models.keys(),
  /** the streams each source's config pulls (pulledStreams), when the caller has them */
  pulledBy?: PulledStreams,
): Promise<AbsentStream[]> {
  const optional = optionalStreams(graph);
  const names = [...selected];
  const pulled =
    pulledBy ??
    (await pulledStreams(
      project,
      names.flatMap((n) => graph.models.get(n)?.sources ?? []),
    ));
  const found = new Map<string, AbsentStream & { needs: string[]; reads: string[] }>();
  for (const name of names) {
    const m = graph.models.get(name);
    for (const s of m?.sources ?? []) {
      // a stream dropped from the source's config is absent whatever landed of it before (its files are kept)
      if (!notPulled(pulled, s.source, s.stream) && hasLanded(project.paths.raw, store, s.source, s.stream)) continue;
      const a = found.get(key(s)) ?? { ...s, optional: true, models: [], pulled: true, why: "", needs: [], reads: [] };
      const readers = readsOptional(m!, s.stream) ? a.reads : a.needs;
      if (!readers.includes(name)) readers.push(name);
      found.set(key(s), a);
    }
  }
  const out: AbsentStream[] = [];
  for (const { needs, reads, ...a } of found.values()) {
    const isPulled = !notPulled(pulled, a.source, a.stream);
    const denied = store.read(a.source).streams[a.stream]?.denied;
    const why = isPulled
      ? denied
        ? `the last pull was denied: the credentials lack ${denied.lacks}`
        : "never landed"
      : listsStreams(project, a.source)
        ? `not in sources.${a.source}.config.streams`
        : `sources.${a.source} does not pull it`;
    // a model that needs what another reads as optional: the one that needs it fails, the other reads it empty
    if (reads.length)
      out.push({
        source: a.source,
        stream: a.stream,
        optional: true,
        models: reads.sort(),
        pulled: isPulled,
        why,
        ...whenAbsent(optional.get(key(a))),
        ...(isPulled && denied ? { deniedFix: denied.fix } : {}),
      });
    if (needs.length)
      out.push({
        source: a.source,
        stream: a.stream,
        optional: false,
        models: needs.sort(),
        pulled: isPulled,
        why,
        ...(isPulled && denied ? { deniedFix: denied.fix } : {}),
      });
  }
  return out.sort((a, b) => key(a).localeCompare(key(b)));
}

const whenAbsent = (o: OptionalStream | undefined) => (o?.whenAbsent ? { whenAbsent: o.whenAbsent } : {});

/** Whether the source's config names its streams as a list (`streams: [...]`), the key a missing one is added to. */
function listsStreams(project: Project, source: string): boolean {
  return Array.isArray((project.source(source).config as Record<string, unknown> | undefined)?.streams);
}

/** Each source's streams its config pulls (streamsPulled); undefined for a source whose config cannot be read now. */
export type PulledStreams = Map<string, Set<string> | undefined>;

/** The streams the config of each of these sources pulls, asked of its connector once per source. */
export async function pulledStreams(project: Project, sources: Iterable<{ source: string }>): Promise<PulledStreams> {
  const out: PulledStreams = new Map();
  for (const { source } of sources) if (!out.has(source)) out.set(source, await streamsPulled(project, source));
  return out;
}

/**
 * Whether the source's config does not pull the stream (never listed, or dropped from `streams` since it landed).
 * A source whose config cannot be read now (an unset secret) is taken to pull what the models read.
 */
export function notPulled(pulled: PulledStreams, source: string, stream: string): boolean {
  const streams = pulled.get(source);
  return !!streams && !streams.has(stream);
}

/** The streams a source's config pulls, from its connector; undefined when that cannot be told now (an unset secret). */
async function streamsPulled(project: Project, source: string): Promise<Set<string> | undefined> {
  try {
    const { connector, config } = await loadSourceConnector(project, source);
    return new Set(connector.streams(config).map((s) => s.name));
  } catch {
    return undefined;
  }
}

/** One line for an optional stream that is absent: which, why, who reads it empty, and what they give without it. */
export function absentLine(a: AbsentStream): string {
  return `optional stream ${a.source}.${a.stream} is absent (${a.why}): ${a.models.join(", ")} read${a.models.length === 1 ? "s" : ""} it empty${a.whenAbsent ? `; ${a.whenAbsent}` : ""}`;
}

/**
 * A required stream the source does not pull can never land: exit 2 naming the stream, the key to add it to
 * and the models that need it, before a pull or a build of stale data. A stream that is pulled but has not
 * landed yet is not a config problem (the build says to run `dp pull`).
 */
export function unpulledError(project: Project, absent: AbsentStream[]): DpError | undefined {
  const bad = absent.filter((a) => !a.optional && !a.pulled);
  if (!bad.length) return undefined;
  const first = bad[0]!;
  const path = ["sources", first.source, "config", ...(listsStreams(project, first.source) ? ["streams"] : [])];
  const one = bad.length === 1;
  const needs = [...new Set(bad.flatMap((a) => a.models))];
  const add = bad.map((a) => absenceFix(project, a).replace(/ in project\.yaml$/, "")).join("; ");
  return new DpError(
    "CONFIG",
    `${one ? "stream" : "streams"} ${bad.map(key).join(", ")} ${one ? "is" : "are"} not pulled (${bad.map((a) => a.why).join("; ")}), and ${needs.join(", ")} need${needs.length === 1 ? "s" : ""} ${one ? "it" : "them"}`,
    {
      where: `${project.locate(path)} (${path.join(".")})`,
      fix: `${add} in project.yaml, then run \`dp pull ${first.source}\`; or, if the models can do without it, declare it under optional_sources in the model's YAML`,
    },
  );
}

/**
 * The check `dp run` makes before it pulls: every stream a model needs is one its source pulls. Models that
 * do not load are left to the build, which reports them as it always has.
 */
export async function checkModelStreams(project: Project): Promise<void> {
  let graph: ModelGraph;
  try {
    graph = loadModels(project);
  } catch {
    return;
  }
  const error = unpulledError(project, await absentStreams(project, graph, new StateStore(project.paths.state)));
  if (error) throw error;
}

/**
 * What `dp sources` and `dp doctor` show: the streams the models read that their source does not pull, and
 * the optional ones still absent after the source's last good pull. Before a source's first pull nothing
 * of it has landed, and its freshness (never pulled) says so already.
 */
export async function streamAbsences(project: Project): Promise<AbsentStream[]> {
  let graph: ModelGraph;
  try {
    graph = loadModels(project);
  } catch {
    return [];
  }
  const store = new StateStore(project.paths.state);
  const all = await absentStreams(project, graph, store);
  return all.filter((a) => !a.pulled || (a.optional && !!store.read(a.source).last_success_at));
}

/** How to end an absence: the key to add the stream to, or the pull to run. */
export function absenceFix(project: Project, a: AbsentStream): string {
  if (a.pulled && a.deniedFix)
    return a.optional
      ? `${a.deniedFix} and run \`dp pull ${a.source}\`; or ${listsStreams(project, a.source) ? `drop ${a.stream} from sources.${a.source}.config.streams` : `list sources.${a.source}.config.streams without ${a.stream}`}`
      : `${a.deniedFix}, then run \`dp pull ${a.source}\``;
  if (a.pulled) return `run \`dp pull ${a.source}\``;
  return listsStreams(project, a.source)
    ? `add ${a.stream} to sources.${a.source}.config.streams in project.yaml`
    : `configure sources.${a.source} to pull ${a.stream}`;
}
