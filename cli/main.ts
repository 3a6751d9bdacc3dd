#!/usr/bin/env bun
import { runCommand, defineCommand, type CommandDef } from "citty";
import { resolveCommand } from "./_argv.ts";
import { DpError, ExitCode, diskFullError } from "../engine/errors.ts";
import { redact } from "../engine/secrets.ts";
import { VERSION } from "../engine/version.ts";

const load = (p: Promise<{ default: CommandDef<any> }>) => () => p.then((m) => m.default);

export const main = defineCommand({
  meta: {
    name: "dp",
    version: VERSION,
    description: "local-first data pipeline: pull, model, test, ask",
    examples: [
      "dp init demo --demo && cd demo && dp run",
      'dp ask "churn last month?"',
      "dp build --select +mrr_monthly",
    ],
  },
  subCommands: {
    init: () => load(import("./init.ts"))(),
    add: () => load(import("./add.ts"))(),
    sources: () => load(import("./sources.ts"))(),
    pull: () => load(import("./pull.ts"))(),
    build: () => load(import("./build.ts"))(),
    compile: () => load(import("./compile.ts"))(),
    test: () => load(import("./test.ts"))(),
    run: () => load(import("./run.ts"))(),
    ask: () => load(import("./ask.ts"))(),
    catalog: () => load(import("./catalog.ts"))(),
    lineage: () => load(import("./lineage.ts"))(),
    sql: () => load(import("./sql.ts"))(),
    serve: () => load(import("./serve.ts"))(),
    runs: () => load(import("./runs.ts"))(),
    export: () => load(import("./export.ts"))(),
    brief: () => load(import("./brief.ts"))(),
    schedule: () => load(import("./schedule.ts"))(),
    doctor: () => load(import("./doctor.ts"))(),
    contract: () => load(import("./contract.ts"))(),
    docs: () => load(import("./docs.ts"))(),
    eval: () => load(import("./eval.ts"))(),
    mcp: () => load(import("./mcp.ts"))(),
    review: () => load(import("./review.ts"))(),
    authority: () => load(import("./authority.ts"))(),
  },
});

async function entry(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const json = wantsJson(argv);
  try {
    const resolved = await resolveCommand(main, argv);
    if (resolved.help) {
      const { renderHelp } = await import("./_help.ts");
      process.stdout.write(`${await renderHelp(resolved.path, resolved.cmd)}\n`);
      return 0;
    }
    await runCommand(resolved.cmd, { rawArgs: resolved.argv });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return reportError(e, json);
  }
}

/** `--json` before any `--`: then an error is a JSON object too. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === "--json" || a === "--json=true");
}

/**
 * Errors go to stderr as `error[CODE]` / `at` / `fix:`; under `--json` they go to stdout as
 * `{"error": {"code", "message", "where", "fix"}}`, the same place the data would have gone.
 */
function reportError(e: unknown, json: boolean): number {
  const err = asReported(e);
  if (json) process.stdout.write(`${redact(JSON.stringify({ error: err.toJSON() }, null, 2))}\n`);
  else process.stderr.write(`${redact(err.format())}\n`);
  if (err.code === "INTERNAL" && process.env.DP_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return err.exitCode;
}

function asReported(thrown: unknown): DpError {
  // a full disk reads as the pull's disk-full error wherever it struck (DuckDB's WAL, a snapshot copy)
  const e = diskFullError(thrown) ?? thrown;
  if (e instanceof DpError) return e;
  const err = e as { code?: string; message?: string };
  // what citty itself still throws (a required argument it checks again)
  if (err?.code && /^E/.test(err.code))
    return new DpError("USAGE", err.message ?? String(e), { fix: "run `dp --help`", exitCode: ExitCode.config });
  return new DpError("INTERNAL", err?.message ?? String(e), {
    fix: "rerun with DP_DEBUG=1 and report the output",
    exitCode: ExitCode.failed,
  });
}

/** Runs dp with these arguments, flushes stdout, exits with dp's code. */
export async function cli(argv: string[]): Promise<never> {
  const code = await entry(argv);
  // process.exit drops output a slow pipe has not taken yet (`dp build --json | jq` lost all past 64 KB);
  // Bun reports writableLength 0 even then, so end stdout and wait for its callback, which comes once all is written
  await new Promise<void>((resolve) => {
    process.stdout.once("error", () => resolve());
    process.stdout.end(() => resolve());
  });
  process.exit(code);
}

if (import.meta.main) await cli(process.argv.slice(2));
