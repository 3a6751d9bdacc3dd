import { afterAll, beforeAll } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument, stringify } from "yaml";
import "../../connectors/index.ts";
import { addPack, getPack, type ModelPack } from "../../engine/config/pack.ts";
import type { StripeAccount } from "../fakes/stripe-account.ts";
import { runDp, tempDir, type DpOptions, type Ran } from "../helpers.ts";

/** The messages of the log lines a command wrote to stderr (JSON lines: stderr is not a terminal). */
export const logged = (stderr: string): string[] =>
  stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);

/** A pack as dp ships it (registered in connectors/index.ts, files from the embedded assets). */
export function shippedPack(name: string): Promise<ModelPack> {
  return getPack(name);
}

export interface OptionalSource {
  model: string;
  stream: string;
  columns: Record<string, string>;
  when_absent?: string;
}

/** The `optional_sources` a shipped pack's model YAML declares, model by model, in file order. */
export async function optionalSourcesOf(pack: string, file: string): Promise<OptionalSource[]> {
  const yml = parse((await shippedPack(pack)).files[file]!) as {
    models: { name: string; optional_sources?: Record<string, Omit<OptionalSource, "model" | "stream">> }[];
  };
  return yml.models.flatMap((m) =>
    Object.entries(m.optional_sources ?? {}).map(([stream, o]) => ({ model: m.name, stream, ...o })),
  );
}

/** A pack with its source block's config keys set or replaced (e.g. base_url pointing at a fake). */
export function withConfig(pack: ModelPack, config: Record<string, unknown>): ModelPack {
  if (!pack.source) return pack;
  const block = parse(pack.source) as Record<string, unknown>;
  return {
    ...pack,
    source: stringify({ ...block, config: { ...(block.config as Record<string, unknown>), ...config } }),
  };
}

/**
 * A temp project built from shipped packs by dp add's own writer (engine/config/pack.ts): each
 * pack's source block (with `config` set) under the pack's default source name, its files under models/ and evals/.
 * The real CLI runs against it (`dp run`, `dp sql --json`, `dp ask --json`).
 */
export class PackProject {
  readonly dir = tempDir("dp-pack-");

  constructor(
    /** `source`: the source name, as in `dp add CONNECTOR NAME` (default: the pack's) */
    packs: { pack: ModelPack; config: Record<string, unknown>; source?: string }[],
    readonly env: Record<string, string | undefined> = {},
  ) {
    writeFileSync(join(this.dir, "project.yaml"), "name: pack-test\n");
    for (const { pack, config, source } of packs) addPack(this.dir, withConfig(pack, config), source);
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

/**
 * A project made the way a founder makes one — `dp init DIR --with PACKS` (the packs registered in
 * connectors/index.ts, as the binary has them), secrets in its `.env` — and driven through the real
 * CLI with "now" pinned: `dp run`, `dp sql --json`, `dp ask --offline --json`, `dp eval --offline --json`.
 */
export class InitProject {
  private constructor(
    readonly dir: string,
    /** what `dp init` printed */
    readonly initOutput: string,
    /** the keys `.env` sets: dp reads them from there, never from the test process (another file's fake key) */
    private readonly envKeys: string[] = [],
  ) {}

  /** `dp init DIR --with packs`, then `.env` holding `env` (API keys, base URLs), as a founder would set them. */
  static async init(packs: string[], env: Record<string, string>): Promise<InitProject> {
    const dir = join(tempDir("dp-pack-"), "acme");
    const r = await runDp(["init", dir, "--with", packs.join(",")]);
    if (r.code !== 0) throw new Error(`dp init --with ${packs.join(",")} failed:\n${r.stdout}${r.stderr}`);
    writeFileSync(
      join(dir, ".env"),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
    return new InitProject(dir, r.stdout, Object.keys(env));
  }

  /**
   * Run `dp …` in the project with "now" pinned; fails the test with the output when the exit code differs. The
   * keys `.env` sets are unset in dp's environment, as in a founder's shell: a key another test file left in
   * process.env (STRIPE_API_KEY of its fake) would win over `.env` and hide a restricted or unknown key.
   */
  async dp(args: string[], now: string, expectCode: number | null = 0): Promise<Ran> {
    const unset = Object.fromEntries(this.envKeys.map((k) => [k, undefined]));
    const r = await runDp([...args, "-C", this.dir], { env: { ...unset, DP_NOW: now }, timeoutMs: 300_000 });
    if (expectCode !== null && r.code !== expectCode)
      throw new Error(`dp ${args.join(" ")} exited ${r.code} (expected ${expectCode}):\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  run(now: string): Promise<Ran> {
    return this.dp(["run"], now);
  }

  /** Rows of `dp sql --json` on the published marts. */
  async sql<T = Record<string, unknown>>(query: string, now: string): Promise<T[]> {
    const r = await this.dp(["sql", "--json", query], now);
    return JSON.parse(r.stdout) as T[];
  }

  /** `dp ask --offline --json`: the offline planner's answer with its tool calls. */
  async ask(question: string, now: string): Promise<AskJson> {
    const r = await this.dp(["ask", "--offline", "--json", question], now, null);
    return JSON.parse(r.stdout) as AskJson;
  }

  /** `dp eval --offline --json` over the project's evals/ (exit 1 below threshold is a result, not an error). */
  async eval(now: string): Promise<EvalJson> {
    const r = await this.dp(["eval", "--offline", "--json"], now, null);
    if (!r.stdout.trim()) throw new Error(`dp eval printed no report:\n${r.stderr}`);
    return JSON.parse(r.stdout) as EvalJson;
  }

  read(rel: string): string {
    return readFileSync(join(this.dir, rel), "utf8");
  }

  write(rel: string, text: string): void {
    writeFileSync(join(this.dir, rel), text);
  }

  /** Set (or with `undefined`, remove) top-level `vars:` entries in project.yaml, keeping the rest as written. */
  setVars(vars: Record<string, unknown>): void {
    const doc = parseDocument(this.read("project.yaml"));
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) doc.deleteIn(["vars", k]);
      else doc.setIn(["vars", k], v);
    }
    this.write("project.yaml", doc.toString());
  }

  remove(): void {
    rmSync(join(this.dir, ".."), { recursive: true, force: true });
  }
}

export interface EvalJson {
  passed: number;
  total: number;
  cases: { id: string; question: string; passed: boolean; expected: string; actual: string; why: string }[];
}

/**
 * A Stripe account scripted by `make`, behind `dp init --with stripe` (key and base URL in .env) and one
 * `dp run` at `now`, for the tests of one file; the fake and the project go when the file's tests end.
 */
export function stripePackOn(make: () => Promise<StripeAccount>, now: string): { readonly project: InitProject } {
  const it: { project?: InitProject; account?: StripeAccount } = {};
  beforeAll(async () => {
    it.account = await make();
    it.project = await InitProject.init(["stripe"], {
      STRIPE_API_KEY: it.account.fake.apiKey,
      STRIPE_BASE_URL: it.account.fake.url,
    });
    await it.project.run(now);
  }, 300_000);
  afterAll(async () => {
    await it.account?.close();
    it.project?.remove();
  });
  return {
    get project(): InitProject {
      if (!it.project) throw new Error("the Stripe pack project is made in beforeAll");
      return it.project;
    },
  };
}

/** Each customer's month-end MRR from July 2026 and its movement where it moved: "50", "0 churn", "100 expansion". */
export async function mrrStory(project: InitProject, now: string): Promise<Record<string, string[]>> {
  const rows = await project.sql<{ customer_name: string; month: string; mrr: number; movement: string }>(
    `select customer_name, month, mrr, movement from marts.customer_mrr_monthly
     where month >= '2026-07-01' order by customer_name, month`,
    now,
  );
  const out: Record<string, string[]> = {};
  for (const r of rows)
    (out[r.customer_name] ??= []).push(`${Number(r.mrr)}${r.movement === "flat" ? "" : ` ${r.movement}`}`);
  return out;
}
