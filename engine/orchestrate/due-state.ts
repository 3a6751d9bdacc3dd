import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { writeFileAtomic } from "../atomic-write.ts";
import type { Project } from "../config/project.ts";
import { DECISIONS_DIR } from "../transform/decision-file.ts";

/** What `dp run --due` remembers between cron ticks: .dp/run-state.json. */
export interface RunState {
  version: 1;
  /** hash of models/ at the last completed build */
  models_fingerprint?: string;
  /** rows landed that no completed build has seen yet (an interrupted run leaves this set) */
  build_pending?: boolean;
  exports: Record<string, { last_success_at?: string; last_attempt_at?: string; last_error?: string }>;
}

function path(project: Project): string {
  return join(project.paths.work, "run-state.json");
}

export function readRunState(project: Project): RunState {
  const p = path(project);
  if (!existsSync(p)) return { version: 1, exports: {} };
  try {
    const s = JSON.parse(readFileSync(p, "utf8")) as RunState;
    s.exports ??= {};
    return s;
  } catch {
    return { version: 1, exports: {} };
  }
}

export function writeRunState(project: Project, state: RunState): void {
  writeFileAtomic(path(project), `${JSON.stringify(state, null, 2)}\n`);
}

export function exportKey(mart: string, to: string): string {
  return `${mart}->${to}`;
}

/** Content hash of every file under models/: a changed model is a reason to build. */
export function modelsFingerprint(project: Project): string {
  const hash = createHash("sha1");
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith(".")) continue;
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(relative(project.paths.models, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  walk(project.paths.models);
  // an edited decision file is a reason to build (and so to decide) under --due too
  walk(join(project.dir, DECISIONS_DIR));
  return hash.digest("hex").slice(0, 16);
}
