import { basename, join, relative, resolve, sep } from "node:path";
import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import type { Model, ModelGraph } from "./models.ts";

/**
 * dbt's node selection grammar (docs.getdbt.com, reference/node-selection), over dp's models and the
 * raw streams they read. Each word is `[@][N+]method:value[+N]`; words separated by spaces are a union,
 * parts joined by commas an intersection, and `--exclude` (same grammar) is taken away last. Sources are
 * nodes as in dbt (`source:billing+` is what reads billing), dropped at the end since only models build.
 * Methods: fqn (the default: `stg_x`, `staging.stg_x`, `staging`, `marts.finance.*`, `<project>`), tag,
 * path (also any value with a `/`), file (also any value ending in `.sql`), source, config.<key>,
 * state:modified. Where dp differs from dbt it says so in the README.
 */
export interface Selection {
  select?: string;
  exclude?: string;
}

export interface SelectContext {
  projectDir: string;
  /** the first part of every model's fully qualified name (project.yaml's name) */
  projectName?: string;
  /** where models live (default: <projectDir>/models); the folders under it are part of the fqn */
  modelsDir?: string;
  /** models whose SQL or YAML changed since their last successful build, for state:modified */
  modified?: Set<string>;
}

/** The selected models in build order. */
export function select(graph: ModelGraph, selection: string | Selection | undefined, ctx: SelectContext): string[] {
  const { select: include, exclude } = typeof selection === "string" ? { select: selection } : (selection ?? {});
  const nodes = new SelectionGraph(graph, ctx);
  const chosen = include?.trim() ? nodes.union(include, "--select") : new Set(graph.order);
  if (exclude?.trim()) for (const n of nodes.union(exclude, "--exclude")) chosen.delete(n);
  return graph.order.filter((n) => chosen.has(n));
}

const SPEC = /^(?<at>@)?(?:(?<up>\d*)\+)?(?:(?<method>[\w.]+):)?(?<value>.*?)(?:\+(?<down>\d*))?$/;
const METHODS = ["fqn", "tag", "path", "file", "source", "config", "state", "package"];
const SOURCE_PREFIX = "source:";
const isGlob = (s: string) => /[*?[\]]/.test(s);
const globMatch = (pattern: string, text: string) => new Bun.Glob(pattern).match(text);

/** Models and source streams as one graph, with the methods and operators over it. */
class SelectionGraph {
  private readonly sourceChildren = new Map<string, string[]>();

  constructor(
    private readonly graph: ModelGraph,
    private readonly ctx: SelectContext,
  ) {
    for (const m of graph.models.values()) {
      for (const s of m.sources) {
        const id = `${SOURCE_PREFIX}${s.source}.${s.stream}`;
        const list = this.sourceChildren.get(id) ?? [];
        if (!list.includes(m.name)) list.push(m.name);
        this.sourceChildren.set(id, list);
      }
    }
  }

  union(expr: string, flag: string): Set<string> {
    const out = new Set<string>();
    for (const word of expr.split(/\s+/).filter(Boolean)) for (const n of this.intersection(word, flag)) out.add(n);
    return out;
  }

  private intersection(word: string, flag: string): Set<string> {
    const parts = word.split(",");
    if (parts.some((p) => !p)) {
      throw new DpError("USAGE", `${flag} "${word}" has an empty part`, {
        fix: 'in dbt\'s grammar a comma means AND and a space means OR: write "a b" for either, "a,b" for both',
      });
    }
    const sets = parts.map((p) => this.criterion(p, flag));
    return sets.reduce((acc, s) => new Set([...acc].filter((n) => s.has(n))));
  }

  /** One `[@][N+]method:value[+N]`: the method's nodes, then the graph operators. */
  private criterion(raw: string, flag: string): Set<string> {
    const m = SPEC.exec(raw)!.groups!;
    if (m.at && m.down !== undefined)
      throw new DpError("USAGE", `${flag} ${raw}: "@" and a trailing "+" do not go together`, {
        fix: `@ already takes every descendant: write @${m.value}`,
      });
    const base = this.method(raw, m.method, m.value ?? "", flag);
    const out = new Set(base);
    const depth = (d: string | undefined) => (d ? Number(d) : Infinity);
    if (m.at) for (const n of this.walk(this.walk(base, "down", Infinity, true), "up", Infinity, true)) out.add(n);
    if (m.up !== undefined) for (const n of this.walk(base, "up", depth(m.up))) out.add(n);
    if (m.down !== undefined) for (const n of this.walk(base, "down", depth(m.down))) out.add(n);
    return out;
  }

  private method(raw: string, method: string | undefined, value: string, flag: string): Set<string> {
    const [name, ...args] = (method ?? defaultMethod(value)).split(".");
    if (!METHODS.includes(name!))
      throw new DpError("USAGE", `${flag} ${raw}: "${name}" is not a selector method`, {
        fix: `${didYouMean(name!, METHODS)} (methods: ${METHODS.join(", ")})`,
      });
    if (!value && name !== "state")
      throw new DpError("USAGE", `${flag} ${raw}: nothing after "${name}:"`, {
        fix: `e.g. ${name}:${exampleFor(name!)}`,
      });
    const models = [...this.graph.models.values()];
    const found = (list: string[]) => new Set(list);
    switch (name) {
      case "fqn":
        return this.nonEmpty(raw, flag, found(models.filter((x) => this.fqnMatch(x, value)).map((x) => x.name)), () =>
          didYouMean(value, [...this.graph.order, ...models.map((x) => `${x.schema}.${x.name}`)]),
        );
      case "package":
        return this.nonEmpty(
          raw,
          flag,
          found(globMatch(value, this.ctx.projectName ?? "") ? this.graph.order : []),
          () => didYouMean(value, [this.ctx.projectName ?? ""]),
        );
      case "tag": {
        const tags = [...new Set(models.flatMap((x) => x.config.tags))];
        return this.nonEmpty(
          raw,
          flag,
          found(models.filter((x) => x.config.tags.some((t) => globMatch(value, t))).map((x) => x.name)),
          () => didYouMean(value, tags),
        );
      }
      case "path":
        return this.nonEmpty(
          raw,
          flag,
          found(models.filter((x) => this.pathMatch(x, value)).map((x) => x.name)),
          () => "paths are relative to the project: path:models/staging",
        );
      case "file":
        return this.nonEmpty(
          raw,
          flag,
          found(
            models.filter((x) => globMatch(value, basename(x.path)) || globMatch(value, x.name)).map((x) => x.name),
          ),
          () => didYouMean(value.replace(/\.sql$/, ""), this.graph.order),
        );
      case "source":
        return this.sources(raw, value, flag);
      case "config":
        return found(models.filter((x) => configValues(x, args.join(".")).includes(value)).map((x) => x.name));
      default:
        if (value !== "modified")
          throw new DpError("USAGE", `${flag} ${raw}: dp knows state:modified only`, {
            fix: "state:modified (new models, and models whose SQL or YAML changed since their last successful build)",
          });
        return found([...(this.ctx.modified ?? new Set(this.graph.order))]);
    }
  }

  /** dbt's is_selected_node: the name alone, or the fqn's leading parts (a glob takes the rest). */
  private fqnMatch(model: Model, selector: string): boolean {
    const root = this.ctx.modelsDir ?? join(this.ctx.projectDir, "models");
    const dirs = relative(root, model.path).split(sep).slice(0, -1);
    const fqn = [this.ctx.projectName ?? "", ...dirs, model.name];
    // beyond dbt: a glob on the bare name (`stg_*`), which dbt's rule never matches (its fqn starts with the project)
    if (isGlob(selector) && !selector.includes(".") && globMatch(selector, model.name)) return true;
    return selectedNode(fqn, selector) || selectedNode(fqn.slice(1), selector);
  }

  private pathMatch(model: Model, value: string): boolean {
    const want = relative(this.ctx.projectDir, resolve(this.ctx.projectDir, value));
    const files = [model.displayPath, ...(model.yamlWhere ? [model.yamlWhere.replace(/:\d+$/, "")] : [])];
    return files.some((f) => {
      const dirs = f.split("/").map((_, i, all) => all.slice(0, i + 1).join("/"));
      return dirs.some((d) => (isGlob(want) ? globMatch(want, d) : d === want));
    });
  }

  private sources(raw: string, value: string, flag: string): Set<string> {
    const parts = value.split(".");
    if (parts.length > 3)
      throw new DpError("USAGE", `${flag} ${raw}: a source is source:NAME or source:NAME.STREAM`, {
        fix: "e.g. source:billing+ or source:billing.customers+",
      });
    const [src, stream] = parts.length === 3 ? parts.slice(1) : [parts[0]!, parts[1] ?? "*"];
    const ids = [...this.sourceChildren.keys()].filter((id) => {
      const [s, t] = id.slice(SOURCE_PREFIX.length).split(".");
      return globMatch(src!, s!) && globMatch(stream!, t!);
    });
    const known = [...this.sourceChildren.keys()].map((id) => id.slice(SOURCE_PREFIX.length));
    const names = parts.length === 1 ? [...new Set(known.map((k) => k.split(".")[0]!))] : known;
    return this.nonEmpty(raw, flag, new Set(ids), () => didYouMean(value, names));
  }

  private nonEmpty(raw: string, flag: string, nodes: Set<string>, hint: () => string): Set<string> {
    if (nodes.size) return nodes;
    throw new DpError("USAGE", `${flag} ${raw} matches no ${raw.includes("source:") ? "source" : "model"}`, {
      fix: `${hint()}; \`dp catalog\` lists models`,
    });
  }

  /** Breadth-first up or down to a depth, through source nodes too; `keepStart` keeps the nodes it starts from. */
  private walk(from: Iterable<string>, way: "up" | "down", maxDepth: number, keepStart = false): Set<string> {
    const out = new Set<string>(keepStart ? from : []);
    let frontier = [...from];
    for (let d = 0; d < maxDepth && frontier.length; d++) {
      const next: string[] = [];
      for (const n of frontier) for (const x of this.neighbours(n, way)) if (!out.has(x)) out.add(x), next.push(x);
      frontier = next;
    }
    return out;
  }

  private neighbours(node: string, way: "up" | "down"): string[] {
    if (node.startsWith(SOURCE_PREFIX)) return way === "down" ? (this.sourceChildren.get(node) ?? []) : [];
    if (way === "down") return this.graph.children(node);
    const model = this.graph.models.get(node)!;
    return [...this.graph.parents(node), ...model.sources.map((s) => `${SOURCE_PREFIX}${s.source}.${s.stream}`)];
  }
}

function defaultMethod(value: string): string {
  if (value.includes("/")) return "path";
  if (value.endsWith(".sql")) return "file";
  return "fqn";
}

function exampleFor(method: string): string {
  return (
    { tag: "nightly", path: "models/staging", file: "orders.sql", source: "billing", config: "view" }[method] ?? "x"
  );
}

/** A model's config value(s) under a key, as text (a list, like tags, matches any of its items, as in dbt). */
function configValues(model: Model, key: string): string[] {
  if (key === "materialized") return [model.materialized];
  if (key === "schema") return [model.schema];
  const v = (model.config as Record<string, unknown>)[key];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** dbt's rule: the leaf name equals the selector, or the selector's dotted parts are the fqn's first parts. */
function selectedNode(fqn: string[], selector: string): boolean {
  if (fqn.at(-1) === selector) return true;
  const parts = selector.split(".");
  if (fqn.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    if (isGlob(parts[i]!)) return globMatch(parts.slice(i).join("."), fqn.slice(i).join("."));
    if (fqn[i] !== parts[i]) return false;
  }
  return true;
}
