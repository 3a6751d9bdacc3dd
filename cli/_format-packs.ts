import type { AddPackResult } from "../engine/config/pack.ts";

/** What `dp add` / `dp init --with` did, file by file; kept files say why. */
export function formatPackResults(results: AddPackResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const counts = new Map<string, number>();
    for (const f of r.files) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
    const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(", ");
    const source = r.source
      ? ` · source ${r.source.name} ${r.source.status === "added" ? "added to project.yaml" : "already in project.yaml"}`
      : "";
    lines.push(`pack ${r.pack}: ${summary || "no files"}${source}`);
    for (const f of r.files.filter((f) => f.status === "kept")) lines.push(`  kept ${f.path} (${f.why})`);
  }
  return lines;
}
