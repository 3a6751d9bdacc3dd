import { defineCommand } from "citty";
import { formatAge } from "../engine/clock.ts";
import type { SourceFreshness } from "../engine/ingest/freshness.ts";
import { sourceInventory } from "../engine/ingest/inventory.ts";
import { checkSources } from "../engine/ingest/pull.ts";
import { formatCount, openProject, print, printJson, projectArgs, table } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "sources",
    description:
      "inventory: connector, owner, SLA, last pull, rows, freshness, drift; --json adds each stream's declared column types",
    examples: ["dp sources", "dp sources --json"],
  },
  args: { ...projectArgs },
  async run({ args }) {
    const project = openProject(args);
    await checkSources(project);
    const rows = sourceInventory(project);
    if (args.json) return printJson(rows);
    print(
      table(
        rows.map((r) => ({
          source: r.source,
          connector: r.connector,
          owner: r.owner ?? "",
          sla: [r.warnAfter && `warn ${r.warnAfter}`, r.errorAfter && `error ${r.errorAfter}`]
            .filter(Boolean)
            .join(", "),
          last_pull: r.lastSuccessAt
            ? `${r.lastSuccessAt.slice(0, 16).replace("T", " ")} (${formatAge(r.ageMs ?? 0)} ago)`
            : "never",
          rows: formatCount(r.rows),
          freshness: r.status,
          drift: lastDrift(r.drift),
          error: r.lastError ?? "",
        })),
      ),
    );
  },
});

/** The latest schema change in one cell: "+added −removed ~retyped (stream, date)". */
function lastDrift(drift: SourceFreshness["drift"]): string {
  const d = drift.at(-1);
  if (!d) return "";
  const parts = [
    ...d.added.map((c) => `+${c}`),
    ...d.removed.map((c) => `−${c}`),
    ...d.retyped.map((c) => `~${c.split(":")[0]}`),
  ];
  return `${parts.join(" ")} (${d.stream}, ${d.at.slice(0, 10)})${drift.length > 1 ? ` +${drift.length - 1} earlier` : ""}`;
}
