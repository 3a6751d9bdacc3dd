/** Runs one `pull` in its own process so a test can kill -9 it mid-pull. Usage: bun pull-runner.ts PROJECT_DIR [MAX_FILE_RECORDS] */
import { setQuiet } from "../../engine/log.ts";
import { loadProject } from "../../engine/project.ts";
import { pull } from "../../engine/pull.ts";

setQuiet(true);
const [dir, maxFileRecords] = process.argv.slice(2);
const results = await pull(loadProject(dir!), { maxFileRecords: maxFileRecords ? Number(maxFileRecords) : undefined });
console.log(JSON.stringify(results.map((r) => ({ source: r.source, status: r.status, rows: r.rows, error: r.error?.message }))));
