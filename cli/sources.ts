import { defineCommand } from "citty";
import { formatAge } from "../engine/clock.ts";
import { sourceFreshness } from "../engine/freshness.ts";
import { openProject, print, printJson, projectArgs, table } from "./common.ts";

export default defineCommand({
  meta: { name: "sources", description: "inventory: connector, owner, SLA, last pull, rows, freshness, drift" },
  args: { ...projectArgs },
  async run({ args }) {
    const project = openProject(args);
    const rows = sourceFreshness(project);
    if (args.json) return printJson(rows);
    print(
      table(
        rows.map((r) => ({
          source: r.source,
          connector: r.connector,
          owner: r.owner ?? "",
          sla: [r.warnAfter && `warn ${r.warnAfter}`, r.errorAfter && `error ${r.errorAfter}`].filter(Boolean).join(", "),
          last_pull: r.lastSuccessAt ? `${r.lastSuccessAt.slice(0, 16).replace("T", " ")} (${formatAge(r.ageMs ?? 0)} ago)` : "never",
          rows: r.rows,
          freshness: r.status,
          drift: r.drift.length ? `${r.drift.length} change(s)` : "",
          error: r.lastError ?? "",
        })),
      ),
    );
  },
});
