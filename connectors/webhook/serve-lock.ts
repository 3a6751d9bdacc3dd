import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DpError } from "../../engine/errors.ts";
import type { Project } from "../../engine/project.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** One `dp serve` per project: two appenders on one inbox would interleave and both claim ids. */
export function acquireServeLock(project: Project): () => void {
  mkdirSync(project.paths.work, { recursive: true });
  const path = join(project.paths.work, "serve.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (readFileSync(path, "utf8").trim() === String(process.pid)) rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(path, "utf8").trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new DpError("LOCKED", `another dp serve (pid ${pid}) is receiving webhooks for this project`, { where: path, fix: "stop it first, or use it: one server takes every webhook source" });
      }
      rmSync(path, { force: true });
    }
  }
  throw new DpError("LOCKED", `cannot take ${path}`, { where: path, fix: "remove the file if no dp serve is running" });
}
