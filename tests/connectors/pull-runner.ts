/**
 * Runs one `pull()` of a project in its own process, so a test can kill -9 it mid-way.
 * usage: bun tests/connectors/pull-runner.ts PROJECT_DIR [MAX_FILE_RECORDS]
 */
import "../../connectors/index.ts";
import { setQuiet } from "../../engine/log.ts";
import { loadProject } from "../../engine/config/project.ts";
import { pull } from "../../engine/ingest/pull.ts";

const [dir, maxFileRecords] = process.argv.slice(2);
if (!dir) {
  console.error("usage: pull-runner.ts PROJECT_DIR [MAX_FILE_RECORDS]");
  process.exit(2);
}
setQuiet(true);
const results = await pull(loadProject(dir), { maxFileRecords: maxFileRecords ? Number(maxFileRecords) : undefined });
console.log(
  JSON.stringify(results.map((r) => ({ source: r.source, status: r.status, rows: r.rows, error: r.error?.message }))),
);
process.exit(results.every((r) => r.status === "ok") ? 0 : 1);
