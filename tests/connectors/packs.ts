import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { repoRoot, runDp, tempDir, type DpOptions, type Ran } from "../helpers.ts";

/** What a pack's manifest (connectors/<x>/pack/pack.ts) declares; paths are repo-relative. */
export interface PackManifest {
  name: string;
  connector: string;
  description: string;
  sourceBlock: string;
  files: string[];
  evals: string[];
}

/** Where `dp add` puts a pack file in a project: everything after `pack/` (models/…, evals/…). */
export function projectPath(file: string): string {
  const at = file.indexOf("/pack/");
  if (at < 0) throw new Error(`${file} is not under a pack folder`);
  return file.slice(at + "/pack/".length);
}

/** A pack's source block with config keys set or replaced (e.g. base_url pointing at a fake). */
export function sourceBlock(pack: PackManifest, config: Record<string, unknown>): Record<string, unknown> {
  const block = parse(readFileSync(join(repoRoot, pack.sourceBlock), "utf8")) as Record<string, unknown>;
  return { ...block, config: { ...(block.config as Record<string, unknown>), ...config } };
}

/**
 * A temp project built from packs' manifests, as `dp add` would write it: each pack's source
 * block under the pack's default source name, its files under models/ and evals/. The real CLI
 * runs against it (`dp run`, `dp sql --json`, `dp ask --json`).
 */
export class PackProject {
  readonly dir = tempDir("dp-pack-");

  constructor(
    packs: { pack: PackManifest; config: Record<string, unknown> }[],
    readonly env: Record<string, string | undefined> = {},
  ) {
    const sources = Object.fromEntries(packs.map(({ pack, config }) => [pack.name, sourceBlock(pack, config)]));
    writeFileSync(join(this.dir, "project.yaml"), stringify({ name: "pack-test", sources }));
    for (const { pack } of packs) {
      for (const file of [...pack.files, ...pack.evals]) {
        const to = join(this.dir, projectPath(file));
        mkdirSync(dirname(to), { recursive: true });
        cpSync(join(repoRoot, file), to);
      }
    }
  }

  dp(args: string[], options: DpOptions = {}): Promise<Ran> {
    return runDp([...args, "-C", this.dir], { ...options, env: { ...this.env, ...options.env } });
  }

  /** `dp sql --json`: rows of a read-only query on the published snapshot. */
  async sql<T = Record<string, unknown>>(query: string, options: DpOptions = {}): Promise<T[]> {
    const r = await this.dp(["sql", "--json", query], options);
    if (r.code !== 0) throw new Error(`dp sql failed (${r.code}): ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as T[];
  }

  /** `dp ask --offline --json`. */
  async ask(question: string, options: DpOptions = {}): Promise<AskJson> {
    const r = await this.dp(["ask", "--offline", "--json", question], options);
    if (r.code !== 0) throw new Error(`dp ask failed (${r.code}): ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as AskJson;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface AskJson {
  status: string;
  answer: string;
  tool_calls: { name: string; input: Record<string, unknown>; output?: unknown }[];
  [key: string]: unknown;
}
