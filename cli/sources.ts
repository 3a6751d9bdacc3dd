import { defineCommand } from "citty";
import { formatAge } from "../engine/clock.ts";
import type { SourceFreshness } from "../engine/ingest/freshness.ts";
import { sourceInventory } from "../engine/ingest/inventory.ts";
import { checkSources } from "../engine/ingest/pull.ts";
import { absenceFix, absentLine, streamAbsences } from "../engine/transform/source-streams.ts";
import { color, formatCount, openProject, print, printJson, projectArgs, table } from "./_common.ts";

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
    const absent = await streamAbsences(project);
    const rows = sourceInventory(project).map((r) => ({
      ...r,
      absentStreams: absent
        .filter((a) => a.source === r.source)
        .map(({ source: _, ...a }) => ({ ...a, fix: absenceFix(project, { source: r.source, ...a }) })),
    }));
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
    for (const a of absent)
      print(
        a.optional
          ? `${color.yellow("!")} ${absentLine(a)}\n    fix: ${absenceFix(project, a)}`
          : `${color.red("✗")} stream ${a.source}.${a.stream} is not pulled (${a.why}); ${a.models.join(", ")} need it\n    fix: ${absenceFix(project, a)}`,
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
