import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { loadSourceConnector } from "../../../engine/ingest/pull.ts";
import { repoRoot, writeProject } from "../../helpers.ts";

test("every source example in the README validates against its connector", async () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = /## Sources[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const dir = writeProject({ "project.yaml": `name: readme\n${block}` });
  const env = {
    STRIPE_API_KEY: "sk_test_x",
    HUBSPOT_TOKEN: "pat-x",
    PG_URL: "postgres://u@127.0.0.1/db",
    MYSQL_URL: "mysql://root@127.0.0.1/test",
    TARGETS_SHEET: "sheet-id",
    API_TOKEN: "tok-x",
    STRIPE_WEBHOOK_SECRET: "whsec_x",
  };
  Object.assign(process.env, env);
  const project = loadProject(dir);
  const names = Object.keys(project.config.sources);
  expect(names.length).toBe(9);
  for (const name of names) await loadSourceConnector(project, name);
});
