import { join, resolve } from "node:path";
import { now } from "../../clock.ts";
import { writeFileAtomic } from "../../atomic-write.ts";
import type { Project } from "../../config/project.ts";
import { collectDocs } from "./collect.ts";
import { renderDocs } from "./render.ts";

/** `dp docs`: one self-contained folder (no CDN, no script) that opens from file://. */
export async function buildDocsSite(
  project: Project,
  options: { out?: string } = {},
): Promise<{ dir: string; index: string; models: number; tests: number }> {
  const dir = options.out ? resolve(options.out) : join(project.paths.work, "docs");
  const data = await collectDocs(project, now());
  const index = join(dir, "index.html");
  writeFileAtomic(index, renderDocs(data));
  writeFileAtomic(join(dir, "docs.json"), JSON.stringify(data, null, 2));
  return { dir, index, models: data.models.length, tests: data.tests.length };
}
