import { defineCommand } from "citty";
import { runReadOnlySql } from "../engine/warehouse/readonly-sql.ts";
import { openProject, print, printJson, projectArgs, table } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "sql",
    description: "a human's read-only escape hatch on the published marts (never offered to the LLM)",
  },
  args: {
    ...projectArgs,
    query: { type: "positional", required: true, description: "one SELECT statement" },
    limit: { type: "string", description: "max rows to print", default: "1000" },
  },
  async run({ args }) {
    const project = openProject(args);
    const rows = await runReadOnlySql(project, args.query, { limit: Number(args.limit) });
    if (args.json) printJson(rows);
    else print(table(rows));
  },
});
