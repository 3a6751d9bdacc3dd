#!/usr/bin/env bun
import { runCommand, showUsage, defineCommand, type CommandDef } from "citty";
import { DpError, ExitCode } from "../engine/errors.ts";
import { redact } from "../engine/secrets.ts";
import { VERSION } from "../engine/version.ts";

const load = (p: Promise<{ default: CommandDef<any> }>) => () => p.then((m) => m.default);

export const main = defineCommand({
  meta: { name: "dp", version: VERSION, description: "local-first data pipeline: pull, model, test, ask" },
  subCommands: {
    init: () => load(import("./init.ts"))(),
    add: () => load(import("./add.ts"))(),
    sources: () => load(import("./sources.ts"))(),
    pull: () => load(import("./pull.ts"))(),
    build: () => load(import("./build.ts"))(),
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
  },
});

async function entry(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    const sub = argv.find((a) => !a.startsWith("-"));
    const subs = main.subCommands as Record<string, () => Promise<CommandDef<any>>>;
    if (sub && subs[sub]) await showUsage(await subs[sub](), main);
    else await showUsage(main);
    return 0;
  }
  try {
    await runCommand(main, { rawArgs: argv });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}

function reportError(e: unknown): number {
  if (e instanceof DpError) {
    process.stderr.write(`${redact(e.format())}\n`);
    return e.exitCode;
  }
  const err = e as { code?: string; message?: string };
  if (err?.code && /^E_/.test(err.code)) {
    // citty usage errors: unknown command, missing argument
    process.stderr.write(`error[USAGE]: ${redact(err.message ?? String(e))}\n  fix: run \`dp --help\`\n`);
    return ExitCode.config;
  }
  process.stderr.write(
    `error[INTERNAL]: ${redact(err?.message ?? String(e))}\n  fix: rerun with DP_DEBUG=1 and report the output\n`,
  );
  if (process.env.DP_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return ExitCode.failed;
}

if (import.meta.main) {
  const code = await entry(process.argv.slice(2));
  // process.exit drops output a slow pipe has not taken yet (`dp build --json | jq` lost all past 64 KB);
  // Bun reports writableLength 0 even then, so end stdout and wait for its callback, which comes once all is written
  await new Promise<void>((resolve) => {
    process.stdout.once("error", () => resolve());
    process.stdout.end(() => resolve());
  });
  process.exit(code);
}
