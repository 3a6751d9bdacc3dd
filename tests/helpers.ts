import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const repoRoot = join(import.meta.dir, "..");

export function tempDir(prefix = "dp-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write a project from a map of relative path → content. */
export function writeProject(files: Record<string, string>, dir = tempDir()): string {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI from source, as a user would, with colors off and time pinned. */
export function dp(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliResult {
  const r = Bun.spawnSync(["bun", join(repoRoot, "cli/main.ts"), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", DP_NOW: "2026-11-21T06:00:00Z", ...options.env } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Rows of a query against the project's published snapshot, as a reader sees them. */
export async function snapshotRows(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const { loadProject } = await import("../engine/project.ts");
  const { openReader } = await import("../engine/warehouse.ts");
  const db = await openReader(loadProject(dir));
  try {
    return await db.all(sql);
  } finally {
    db.close();
  }
}
