import { defineCommand } from "citty";
import { runReadOnlySql } from "../engine/warehouse/readonly-sql.ts";
import { openProject, print, printJson, projectArgs, table, wholeNumber } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "sql",
    description: "a human's read-only escape hatch on the published marts (never offered to the LLM)",
    examples: [
      'dp sql "select * from marts.mrr_monthly order by month desc limit 3"',
      'dp sql "select count(*) from marts.customers" --json',
    ],
  },
  args: {
    ...projectArgs,
    query: { type: "positional", required: true, description: "one SELECT statement" },
    limit: { type: "string", description: "max rows to print", default: "1000", valueHint: "N", check: wholeNumber },
  },
  async run({ args }) {
    const project = openProject(args);
    const rows = await runReadOnlySql(project, args.query, { limit: Number(args.limit) });
    if (args.json) printJson(rows, { data: true });
    else print(table(rows));
  },
});
