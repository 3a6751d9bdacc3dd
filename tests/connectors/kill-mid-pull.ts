import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceState } from "../../engine/ingest/cursor-state.ts";

/**
 * Start a pull in a child process and kill -9 it once `stream` has committed
 * state at least `commits` times: what a power cut between batches leaves behind.
 */
export async function killMidPull(
  projectDir: string,
  source: string,
  stream: string,
  maxFileRecords: number,
  commits = 2,
): Promise<SourceState> {
  const child = Bun.spawn(["bun", join(import.meta.dir, "pull-runner.ts"), projectDir, String(maxFileRecords)], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env },
  });
  const stateFile = join(projectDir, "lake", "state", `${source}.json`);
  const deadline = Date.now() + 60_000;
  let seen = 0;
  let lastCursor: unknown;
  try {
    while (Date.now() < deadline) {
      if (existsSync(stateFile)) {
        try {
          const s = JSON.parse(readFileSync(stateFile, "utf8")) as SourceState;
          const cursor = JSON.stringify(s.streams[stream]?.state ?? null);
          if (cursor !== "null" && cursor !== lastCursor) {
            lastCursor = cursor;
            if (++seen >= commits) break;
          }
        } catch {}
      }
      if (child.exitCode !== null)
        throw new Error(
          `the pull finished before it could be killed: ${await new Response(child.stdout).text()} ${await new Response(child.stderr).text()}`,
        );
      await Bun.sleep(5);
    }
  } finally {
    child.kill("SIGKILL");
    await child.exited;
  }
  return JSON.parse(readFileSync(stateFile, "utf8")) as SourceState;
}
