import { accessSync, constants, existsSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { cronInstalled } from "./crontab.ts";
import { envRefsIn } from "../config/env.ts";
import { DpError, ExitCode } from "../errors.ts";
import { connectorNames } from "../ingest/connector-registry.ts";
import { checkSources } from "../ingest/pull.ts";
import { projectProblems } from "../config/project-check.ts";
import { credentialSource } from "../deliver/google-auth.ts";
import { lockStatus } from "./lock.ts";
import { loadProject, type Project } from "../config/project.ts";
import { absenceFix, absentLine, streamAbsences, unpulledError } from "../transform/source-streams.ts";
import { currentPointer } from "../warehouse/snapshots.ts";
import { checkWarehouse } from "../warehouse/warehouse-check.ts";
import { VERSION } from "../version.ts";

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
  /** a failure of project.yaml or its environment: the command's exit code is then 2, as every command's is */
  config?: boolean;
}

export interface DoctorReport {
  ok: boolean;
  /** 0, 2 when a failed check is the project's configuration, else 1 */
  exit_code: number;
  checks: Check[];
}

function report(checks: Check[]): DoctorReport {
  const failed = checks.filter((c) => c.status === "fail");
  const exit_code = !failed.length ? ExitCode.ok : failed.some((c) => c.config) ? ExitCode.config : ExitCode.failed;
  return { ok: !failed.length, exit_code, checks };
}

const configCheck = (name: string, err: DpError): Check => ({
  name,
  status: "fail",
  detail: `${err.message}${err.where ? ` (at ${err.where})` : ""}`,
  fix: err.fix,
  config: true,
});

/** Every ${VAR} the project refers to, with who needs it; a ${VAR:-default} is optional. */
function envRefs(project: Project): { name: string; neededBy: string; optional: boolean }[] {
  const out = new Map<string, { name: string; neededBy: string; optional: boolean }>();
  const scan = (value: unknown, neededBy: string) => {
    for (const ref of envRefsIn(JSON.stringify(value ?? null))) {
      const prev = out.get(ref.name);
      out.set(ref.name, {
        name: ref.name,
        neededBy: prev ? `${prev.neededBy}, ${neededBy}` : neededBy,
        optional: (prev?.optional ?? true) && ref.hasDefault,
      });
    }
  };
  for (const [name, src] of Object.entries(project.config.sources)) scan(src.config, `source ${name}`);
  scan(project.config.alerts, "alerts");
  project.config.exports.forEach((x) => scan(x.to, `export of ${x.mart}`));
  return [...out.values()];
}

/** What is missing for `dp run` (and cron) to work; never prints a secret's value. */
export async function runDoctor(options: { project?: string; crontabFile?: string } = {}): Promise<DoctorReport> {
  const checks: Check[] = [];
  const add = (c: Check) => checks.push(c);
  add({ name: "dp", status: "ok", detail: `dp ${VERSION} on bun ${Bun.version} (${process.execPath})` });
  let project: Project;
  try {
    project = loadProject(options.project, { check: false });
    add({
      name: "project",
      status: "ok",
      detail: `${project.file.displayPath ?? "project.yaml"}: ${Object.keys(project.config.sources).length} sources, ${project.config.exports.length} exports`,
    });
  } catch (e) {
    add(configCheck("project", e instanceof DpError ? e : new DpError("CONFIG", String(e))));
    return report(checks);
  }
  // an unset ${VAR} is the secret check below; the rest (unknown connector, inline secret) is listed here
  const problems = projectProblems(project, connectorNames()).filter((p) => p.code !== "ENV_MISSING");
  for (const p of problems) add(configCheck("project", p));
  const listed = new Set(problems.map((p) => p.where));
  for (const name of Object.keys(project.config.sources)) {
    try {
      await checkSources(project, [name]);
    } catch (e) {
      const err = e instanceof DpError ? e : new DpError("CONFIG", String(e));
      if (err.code !== "ENV_MISSING" && !listed.has(err.where)) add(configCheck(`source ${name}`, err));
    }
  }

  for (const a of await streamAbsences(project)) {
    add(
      a.optional
        ? { name: `stream ${a.source}.${a.stream}`, status: "warn", detail: absentLine(a), fix: absenceFix(project, a) }
        : configCheck(`stream ${a.source}.${a.stream}`, unpulledError(project, [a])!),
    );
  }

  for (const ref of envRefs(project)) {
    const present = !!process.env[ref.name];
    add({
      name: `secret ${ref.name}`,
      status: present ? "ok" : ref.optional ? "warn" : "fail",
      detail: `${present ? "set" : "missing"} (needed by ${ref.neededBy})`,
      fix: present ? undefined : `export ${ref.name}=... or add it to ${join(project.dir, ".env")}`,
      config: !present && !ref.optional,
    });
  }
  if (project.config.exports.some((x) => x.to.startsWith("sheets://"))) {
    const cred = credentialSource();
    const ok = cred && (cred.kind === "inline" || existsSync(cred.ref));
    add({
      name: "google credentials",
      status: ok ? "ok" : "fail",
      detail: ok
        ? `service account from ${cred!.kind === "inline" ? `env ${cred!.ref}` : "GOOGLE_APPLICATION_CREDENTIALS"}`
        : cred
          ? `key file ${cred.ref} does not exist`
          : "not set (needed by sheets exports)",
      fix: ok
        ? undefined
        : "set GOOGLE_APPLICATION_CREDENTIALS to a service-account JSON key and share the spreadsheet with its client_email",
    });
  }

  const lake = project.paths.lake;
  if (!existsSync(lake))
    add({ name: "lake", status: "warn", detail: `${lake} does not exist yet`, fix: "run `dp pull` (or `dp run`)" });
  else
    add(
      writable(lake)
        ? { name: "lake", status: "ok", detail: lake }
        : { name: "lake", status: "fail", detail: `${lake} is not writable`, fix: `fix the permissions of ${lake}` },
    );

  const lock = lockStatus(project);
  if (currentPointer(project)) {
    const health = await checkWarehouse(project, lock.state !== "held");
    add({
      name: "warehouse",
      status: health.ok ? "ok" : "fail",
      detail: `${project.paths.warehouse}; ${health.detail}`,
      fix: health.fix,
    });
  } else add({ name: "warehouse", status: "warn", detail: "nothing built yet", fix: "run `dp run`" });

  if (lock.state === "free") add({ name: "lock", status: "ok", detail: "free" });
  else if (lock.state === "held")
    add({
      name: "lock",
      status: "ok",
      detail: `held by dp ${lock.holder.command} (pid ${lock.holder.pid}, started ${lock.holder.started_at})`,
    });
  else
    add({
      name: "lock",
      status: "warn",
      detail: `stale${lock.holder ? ` (dead pid ${lock.holder.pid}, started ${lock.holder.started_at})` : ""}`,
      fix: "nothing to do: the next run takes it over",
    });

  add(
    process.env.ANTHROPIC_API_KEY
      ? { name: "llm key", status: "ok", detail: "ANTHROPIC_API_KEY set" }
      : {
          name: "llm key",
          status: "warn",
          detail: "ANTHROPIC_API_KEY missing: `dp ask` answers with the offline planner",
          fix: "export ANTHROPIC_API_KEY=... for full answers",
        },
  );

  const cron = cronInstalled(project, options.crontabFile);
  if (cron === true) add({ name: "cron", status: "ok", detail: "`dp run --due` entry installed" });
  else if (cron === false)
    add({
      name: "cron",
      status: "warn",
      detail: "no crontab entry for this project",
      fix: "run `dp schedule install`",
    });
  else
    add({
      name: "cron",
      status: "warn",
      detail: "crontab is not available on this machine",
      fix: "install cron, or run `dp run --due` from another scheduler",
    });

  try {
    const fs = statfsSync(project.dir);
    const free = fs.bavail * fs.bsize;
    const gb = (free / 1024 ** 3).toFixed(1);
    add({
      name: "disk",
      status: free < 100 * 1024 ** 2 ? "fail" : free < 1024 ** 3 ? "warn" : "ok",
      detail: `${gb} GB free`,
      fix: free < 1024 ** 3 ? "free up disk space; the lake and snapshots grow with every pull" : undefined,
    });
  } catch {}
  return report(checks);
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
