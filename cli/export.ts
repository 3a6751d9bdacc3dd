import { defineCommand } from "citty";
import { exportMart } from "../engine/deliver/export.ts";
import { formatCount, openProject, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "export",
    description: "export a mart to Google Sheets, CSV, Parquet or stdout",
    examples: [
      "dp export mrr_monthly --to mrr.csv",
      "dp export customers --to sheets://SHEET_ID/Customers",
      "dp export mrr_monthly --to - | head",
    ],
  },
  args: {
    ...projectArgs,
    mart: { type: "positional", required: true, description: "a mart from `dp catalog`" },
    to: {
      type: "string",
      required: true,
      description: "sheets://SPREADSHEET_ID/TAB | FILE.csv | FILE.parquet | - (CSV on stdout)",
      valueHint: "TARGET",
    },
    "include-pii": {
      type: "boolean",
      description: "write columns tagged `pii: true` unmasked (default: masked)",
      default: false,
    },
  },
  async run({ args }) {
    const project = openProject(args);
    const result = await exportMart(project, args.mart, args.to, { actor: "cli", includePii: args["include-pii"] });
    if (result.masked.length)
      process.stderr.write(`masked pii columns: ${result.masked.join(", ")} (--include-pii writes them as they are)\n`);
    if (args.to === "-") return;
    if (args.json) return printJson(result);
    const extra = result.sheets ? `, ${result.sheets.cells} cells in ${result.sheets.requests} write requests` : "";
    print(
      `exported marts.${result.mart} to ${result.target}: ${formatCount(result.rows)} rows × ${result.columns} columns${extra} in ${formatCount(result.durationMs)} ms (data as of ${result.asOf ?? "unknown"})`,
    );
  },
});
