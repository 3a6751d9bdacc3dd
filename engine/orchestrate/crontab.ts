import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DpError } from "../errors.ts";
import type { Project } from "../config/project.ts";

/** The marker line above our entry; one per project dir, so reinstalling replaces it. */
export function cronMarker(project: Project): string {
  return `# dp: run --due for ${project.dir} (managed by \`dp schedule install\`)`;
}

export function cronLogPath(project: Project): string {
  return join(project.paths.work, "logs", "cron.log");
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** How this very dp was started: the compiled binary, or bun + cli/main.ts from source. */
export function dpCommand(): string[] {
  const main = Bun.main;
  if (/\.(ts|js)$/.test(main) && !main.startsWith("/$bunfs")) return [process.execPath, main];
  return [process.execPath];
}

/** The PATH cron gets: this shell's, each directory once (first wins, as the shell would look), empty parts dropped. */
export function cronPath(path = process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"): string {
  return [...new Set(path.split(":").filter(Boolean))].join(":");
}

export function cronLine(project: Project, every = "*/5 * * * *"): string {
  const path = cronPath();
  // % is special to cron (newline); escape it everywhere in the command
  const cmd = `cd ${shellQuote(project.dir)} && PATH=${shellQuote(path)} ${dpCommand().map(shellQuote).join(" ")} run --due >> ${shellQuote(cronLogPath(project))} 2>&1`;
  return `${every} ${cmd.replaceAll("%", "\\%")}`;
}

export interface CrontabIo {
  read(): string;
  write(text: string): void;
}

/** `crontab -l` / `crontab -`, or a plain file (tests, and hosts that load /etc/cron.d files). */
export function crontabIo(file?: string): CrontabIo {
  if (file) {
    return { read: () => (existsSync(file) ? readFileSync(file, "utf8") : ""), write: (t) => writeFileSync(file, t) };
  }
  const fix =
    "install cron (apt-get install cron), or pass --crontab-file, or copy the line from `dp schedule install --print`";
  return {
    read() {
      const r = Bun.spawnSync(["crontab", "-l"], { stdout: "pipe", stderr: "pipe" });
      if (r.exitCode === 0) return r.stdout.toString();
      if (/no crontab/i.test(r.stderr.toString())) return "";
      throw new DpError("IO", `crontab -l failed: ${r.stderr.toString().trim()}`, { fix });
    },
    write(text) {
      const r = Bun.spawnSync(["crontab", "-"], {
        stdin: new TextEncoder().encode(text),
        stdout: "pipe",
        stderr: "pipe",
      });
      if (r.exitCode !== 0) throw new DpError("IO", `crontab - failed: ${r.stderr.toString().trim()}`, { fix });
    },
  };
}

function hasCrontabBinary(): boolean {
  return Bun.which("crontab") !== null;
}

/** Remove our marker and the line after it; keep everything else as it was. */
function withoutEntry(text: string, marker: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === marker) {
      i++;
      continue;
    }
    out.push(lines[i]!);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out;
}

export function installCron(
  project: Project,
  options: { file?: string; every?: string } = {},
): { line: string; replaced: boolean } {
  if (!options.file && !hasCrontabBinary()) {
    throw new DpError("NOT_FOUND", "crontab is not installed on this machine", {
      fix: "install cron, or pass --crontab-file, or copy the line from `dp schedule install --print`",
    });
  }
  const io = crontabIo(options.file);
  const before = io.read();
  const marker = cronMarker(project);
  const line = cronLine(project, options.every);
  const kept = withoutEntry(before, marker);
  io.write(`${[...kept, marker, line].join("\n")}\n`);
  mkdirSync(join(project.paths.work, "logs"), { recursive: true });
  return { line, replaced: before.split("\n").includes(marker) };
}

export function uninstallCron(project: Project, options: { file?: string } = {}): boolean {
  const io = crontabIo(options.file);
  const before = io.read();
  const marker = cronMarker(project);
  if (!before.split("\n").includes(marker)) return false;
  const kept = withoutEntry(before, marker);
  io.write(kept.length ? `${kept.join("\n")}\n` : "");
  return true;
}

/** For `dp doctor`: is our entry installed? undefined when crontab cannot be read here. */
export function cronInstalled(project: Project, file?: string): boolean | undefined {
  if (!file && !hasCrontabBinary()) return undefined;
  try {
    return crontabIo(file).read().split("\n").includes(cronMarker(project));
  } catch {
    return undefined;
  }
}

/** Cron appends forever; a run at a tick moves a big log aside (the shell keeps writing the old inode this once). */
export function rotateCronLog(project: Project, maxBytes = 10 * 1024 * 1024): void {
  const p = cronLogPath(project);
  try {
    if (statSync(p).size > maxBytes) renameSync(p, `${p}.1`);
  } catch {}
}
