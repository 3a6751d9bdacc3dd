import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DpError } from "../../engine/errors.ts";
import { loadProject, type Project } from "../../engine/config/project.ts";
import { runReadOnlySql } from "../../engine/warehouse/readonly-sql.ts";
import { openReader } from "../../engine/warehouse/snapshots.ts";
import { setQuiet } from "../../engine/log.ts";
import { runDp, tempDir } from "../helpers.ts";
import { CANARY_ENV, CANARY_ENV_VALUE, SQL_ATTACKS, type SqlAttack } from "./lib/attacks.ts";
import { cleanFailure } from "./lib/cli.ts";
import { Tripwire } from "./lib/listener.ts";
import { martsHash } from "./lib/marts-hash.ts";
import { reliabilityProject } from "./lib/project.ts";
import { record, Tally } from "./lib/record.ts";
import { budget } from "./lib/seeds.ts";

setQuiet(true);
process.env[CANARY_ENV] = CANARY_ENV_VALUE;
let dir: string;
let project: Project;
let tripwire: Tripwire;
let baseline: string;
const outDir = tempDir("dp-attack-out-");
let outSeq = 0;

beforeAll(async () => {
  const p = reliabilityProject();
  dir = p.dir;
  expect((await runDp(["run", "-C", dir])).code).toBe(0);
  project = loadProject(dir);
  tripwire = await Tripwire.start();
  baseline = await martsHash(dir);
}, budget(60_000));
afterAll(async () => {
  await tripwire.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

function instantiate(a: SqlAttack): { sql: string; out: string } {
  const out = join(outDir, `out-${outSeq++}`);
  return {
    sql: a.sql.replaceAll("$OUT", out).replaceAll("$URL", tripwire.url).replaceAll("$LAKE", project.paths.lake),
    out,
  };
}

/** What getting through leaves behind: a file outside, a connection out, a leaked value, changed marts. */
function breach(a: SqlAttack, out: string, rows: unknown, connectionsBefore: number): string | undefined {
  if (existsSync(out)) return `wrote ${out}`;
  if (tripwire.connections > connectionsBefore) return "connected out";
  const text = JSON.stringify(rows ?? null);
  if (a.leaks && rows !== undefined && a.leaks.test(text)) return `leaked ${text.slice(0, 120)}`;
  if (text.includes(CANARY_ENV_VALUE)) return "leaked the env canary";
  return undefined;
}

describe("read-only enforcement on every path that runs SQL for a question", () => {
  test(
    `${SQL_ATTACKS.length} attacks × (validator + engine, engine alone, dp sql CLI): all rejected, nothing leaks, marts unchanged`,
    async () => {
      const layers = { validator: new Tally(), engine: new Tally(), cli: new Tally() };
      for (const a of SQL_ATTACKS) {
        // 1. what dp sql runs: validator, then the sandboxed read-only snapshot
        {
          const { sql, out } = instantiate(a);
          const before = tripwire.connections;
          let rows: unknown;
          let err: unknown;
          try {
            rows = await runReadOnlySql(project, sql);
          } catch (e) {
            err = e;
          }
          const b = breach(a, out, rows, before);
          layers.validator.try(
            err instanceof DpError && !b,
            `${a.name}: ${b ?? (err ? `${(err as Error).name}: ${(err as Error).message}` : "ran")}`,
          );
        }
        // 2. the engine configuration alone, as if the validator had a hole
        {
          const { sql, out } = instantiate(a);
          const before = tripwire.connections;
          const db = await openReader(project);
          let rows: unknown;
          try {
            rows = await db.all(sql);
          } catch {}
          const settings = await db.one<{ ext: string; locked: string }>(
            "SELECT current_setting('enable_external_access')::VARCHAR AS ext, current_setting('lock_configuration')::VARCHAR AS locked",
          );
          db.close();
          const b =
            breach(a, out, rows, before) ??
            (settings?.ext !== "false" || settings?.locked !== "true"
              ? `settings now ${JSON.stringify(settings)}`
              : undefined);
          layers.engine.try(!b, `${a.name}: ${b}`);
        }
      }
      // 3. the CLI, three at a time
      const queue = [...SQL_ATTACKS];
      await Promise.all(
        [0, 1, 2].map(async () => {
          for (let a = queue.shift(); a; a = queue.shift()) {
            const { sql, out } = instantiate(a);
            const before = tripwire.connections;
            const r = await runDp(["sql", sql, "--json", "-C", dir], { timeoutMs: 30_000 });
            // under --json a refusal is an error object on stdout: rows only when it succeeded; the canary anywhere
            const b =
              breach(a, out, r.code === 0 ? r.stdout : undefined, before) ??
              (r.stdout.includes(CANARY_ENV_VALUE) ? "leaked the env canary" : undefined) ??
              cleanFailure(r, [1, 2]);
            layers.cli.try(!b, `${a.name}: ${b}`);
          }
        }),
      );
      const after = await martsHash(dir);
      const changed = after === baseline ? 0 : 1;
      for (const [layer, t] of Object.entries(layers)) {
        record({
          key: `sql-attacks-${layer}`,
          kind: "security",
          title: {
            validator: "SQL attack corpus against `dp sql`'s path (validator + sandboxed engine)",
            engine:
              "SQL attack corpus against the sandboxed reader alone (read-only file, external access off, allowed_directories = lake, extension autoload off, configuration locked)",
            cli: "SQL attack corpus through the `dp sql` command",
          }[layer]!,
          tries: t.tries,
          lost: t.lost + (layer === "cli" ? changed : 0),
          detail: `DROP, stacked statements, writable CTEs, COPY TO, EXPORT, ATTACH, INSTALL/LOAD, SET/RESET, PRAGMA, read_csv/read_text('/etc/passwd'), path traversal, getenv, /proc/self/environ, http/s3 URLs; lost = attacks that ran${layer === "engine" ? " with an effect (file written, connection out, value leaked, setting changed)" : " or leaked"}${layer === "cli" ? " + marts changed afterwards" : ""}`,
          file: "tests/reliability/sql-attacks.test.ts",
        });
      }
      expect(layers.validator.examples).toEqual([]);
      expect(layers.engine.examples).toEqual([]);
      expect(layers.cli.examples).toEqual([]);
      expect(after).toBe(baseline);
    },
    budget(120_000),
  );
});
