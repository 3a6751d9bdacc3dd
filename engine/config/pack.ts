import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import { PROJECT_FILE } from "./project.ts";

/**
 * A model pack: the source block, staging models, marts, metrics, tests and golden questions for one
 * connector, written into a project as plain files the user owns (like a vendored dbt package). A pack
 * with `requires` is a bridge: files that need several packs at once (the customer that is both a
 * Stripe customer and a HubSpot company); it is added when the last of them is.
 */
export interface ModelPack {
  name: string;
  /** the connector its source uses; also the source's default name */
  connector: string;
  description: string;
  /** YAML of the block under `sources.<name>` (secrets as `${ENV}`) */
  source?: string;
  /** project-relative path (models/…, evals/…) → content */
  files: Record<string, string>;
  /** packs that must all be present for these files */
  requires?: string[];
}

/**
 * A pack as it ships: the source block and the paths it owns among the demo project's files, which
 * dp embeds (engine/config/demo-assets.generated.ts): the demo runs on the packs' own models. A path
 * ending in `/` is a folder, anything else one file.
 */
export interface PackSpec extends Omit<ModelPack, "files"> {
  paths: string[];
}

/** A pack's files from the embedded assets, so `dp add` works from the single binary in any directory. */
export async function embeddedPack(spec: PackSpec): Promise<ModelPack> {
  const { demoAssets } = await import("./demo-assets.generated.ts");
  return packFromFiles(spec, demoAssets);
}

export function packFromFiles(spec: PackSpec, embedded: Record<string, string>): ModelPack {
  const { paths, ...meta } = spec;
  const files: Record<string, string> = {};
  for (const path of paths) {
    const matched = Object.keys(embedded)
      .filter((rel) => (path.endsWith("/") ? rel.startsWith(path) : rel === path))
      .sort();
    // a pack path with no file is a packaging mistake, not something a user can fix
    if (!matched.length) throw new Error(`model pack ${spec.name}: no embedded file at ${path}`);
    for (const rel of matched) files[rel] = embedded[rel]!;
  }
  return { ...meta, files };
}

export type PackFileStatus = "added" | "updated" | "unchanged" | "kept";

export interface AddPackResult {
  pack: string;
  source?: { name: string; status: "added" | "exists" };
  files: { path: string; status: PackFileStatus; why?: string }[];
}

const registry = new Map<string, () => Promise<ModelPack>>();

/** Packs register themselves (connectors/index.ts), as connectors do; the engine never imports them. */
export function registerPack(name: string, load: () => Promise<ModelPack>): void {
  registry.set(name, load);
}

export function packNames(): string[] {
  return [...registry.keys()];
}

export async function getPack(name: string): Promise<ModelPack> {
  const load = registry.get(name);
  if (!load) {
    const known = packNames().filter((n) => !n.includes("+"));
    throw new DpError("USAGE", `there is no model pack "${name}"`, { fix: didYouMean(name, known) });
  }
  return load();
}

/**
 * Writes a pack into the project. The source block is added when no source of that name exists.
 * A file is written when it is new, or when it still holds what a `dp add` wrote (its header's hash
 * matches its body); a file the user edited, or one dp add never wrote, is kept as it is.
 */
export function addPack(projectDir: string, pack: ModelPack, sourceName = pack.connector): AddPackResult {
  const result: AddPackResult = { pack: pack.name, files: [] };
  if (pack.source) result.source = { name: sourceName, status: addSource(projectDir, sourceName, pack.source) };
  for (const [rel, raw] of Object.entries(pack.files)) {
    const body = renameSource(raw, pack.connector, sourceName);
    result.files.push({ path: rel, ...writePackFile(join(projectDir, rel), pack.name, body) });
  }
  return result;
}

/** `{{ source('stripe', …) }}` → `{{ source('billing', …) }}` (and `last_pull('stripe')`) when the source has another name. */
export function renameSource(text: string, from: string, to: string): string {
  if (from === to) return text;
  return text.replace(
    new RegExp(`(\\{\\{\\s*(?:source|last_pull)\\(\\s*['"])${from}(['"])`, "g"),
    (_all, open: string, close: string) => `${open}${to}${close}`,
  );
}

function writePackFile(path: string, pack: string, body: string): { status: PackFileStatus; why?: string } {
  const fresh = withHeader(path, pack, body);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, fresh);
    return { status: "added" };
  }
  const current = readFileSync(path, "utf8");
  if (current === fresh) return { status: "unchanged" };
  const header = parseHeader(current);
  if (!header) return { status: "kept", why: "not written by dp add" };
  if (header.hash !== hash(header.body)) return { status: "kept", why: "edited since dp add wrote it" };
  writeFileSync(path, fresh);
  return { status: "updated" };
}

const HEADER = /^(?:--|#) dp pack (\S+) \(sha256 ([0-9a-f]{16})\): .*\n/;

function withHeader(path: string, pack: string, body: string): string {
  const mark = path.endsWith(".sql") ? "--" : "#";
  return `${mark} dp pack ${pack} (sha256 ${hash(body)}): yours to edit; \`dp add\` updates this file only while it is unedited\n${body}`;
}

function parseHeader(text: string): { hash: string; body: string } | undefined {
  const m = HEADER.exec(text);
  return m ? { hash: m[2]!, body: text.slice(m[0].length) } : undefined;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/**
 * Adds `sources.<name>` to project.yaml as text at the end of the sources map, so every other line,
 * comment and flow style stays as the user wrote it; the yaml library only finds where.
 */
function addSource(projectDir: string, name: string, block: string): "added" | "exists" {
  const { parseDocument, isMap, isPair, isScalar } = require("yaml") as typeof import("yaml");
  const file = join(projectDir, PROJECT_FILE);
  const text = readFileSync(file, "utf8");
  const doc = parseDocument(text);
  const root = doc.contents;
  const pair = isMap(root)
    ? root.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === "sources")
    : undefined;
  const sources = pair?.value;
  if (isMap(sources) && sources.has(name)) return "exists";
  const entry = (indent: string) =>
    `${indent}${name}:\n${block
      .trimEnd()
      .split("\n")
      .map((l) => (l ? `${indent}  ${l}` : l))
      .join("\n")}\n`;
  let out: string;
  if (isMap(sources) && !sources.flow && sources.items.length && sources.range) {
    const at = sources.range[1];
    const indent = at === 0 ? "" : " ".repeat(sources.range[0] - text.lastIndexOf("\n", sources.range[0] - 1) - 1);
    out = `${text.slice(0, at)}${text[at - 1] === "\n" ? "" : "\n"}${entry(indent)}${text.slice(at)}`;
  } else if (pair && (!sources || (isMap(sources) && !sources.items.length)) && isScalar(pair.key) && pair.key.range) {
    // `sources: {}` or `sources:` with nothing under it: the block replaces the rest of that line
    const lineEnd = text.indexOf("\n", pair.key.range[1]);
    const end = lineEnd === -1 ? text.length : lineEnd + 1;
    out = `${text.slice(0, pair.key.range[0])}sources:\n${entry("  ")}${text.slice(end)}`;
  } else if (!pair) {
    out = `${text}${text.endsWith("\n") ? "" : "\n"}sources:\n${entry("  ")}`;
  } else {
    // a flow map with entries: re-rendered by the yaml library (layout of that map only may change)
    (sources as import("yaml").YAMLMap).set(name, parseDocument(block).contents);
    out = doc.toString({ lineWidth: 0 });
  }
  writeFileSync(file, out);
  return "added";
}

/**
 * `dp add` / `dp init --with`: each named pack, then every bridge whose required packs are all in the
 * project now (a source uses each one's connector).
 */
export async function installPacks(projectDir: string, names: string[], sourceName?: string): Promise<AddPackResult[]> {
  if (sourceName && names.length > 1) {
    throw new DpError("USAGE", "a source name can only be given with one pack", {
      fix: `\`dp add ${names[0]} ${sourceName}\`, then \`dp add ${names.slice(1).join(" ")}\``,
    });
  }
  const packs = await Promise.all(names.map((n) => getPack(n)));
  const results = packs.map((p) => addPack(projectDir, p, sourceName ?? p.connector));
  const present = connectorsIn(projectDir);
  for (const name of packNames()) {
    const bridge = await getPack(name);
    if (!bridge.requires?.length || !bridge.requires.every((r) => present.has(r))) continue;
    if (!bridge.requires.some((r) => names.includes(r))) continue;
    results.push(addPack(projectDir, bridge));
  }
  return results;
}

function connectorsIn(projectDir: string): Set<string> {
  const { parse } = require("yaml") as typeof import("yaml");
  const config = parse(readFileSync(join(projectDir, PROJECT_FILE), "utf8")) as {
    sources?: Record<string, { connector?: string }>;
  };
  return new Set(Object.values(config?.sources ?? {}).flatMap((s) => (s?.connector ? [s.connector] : [])));
}
