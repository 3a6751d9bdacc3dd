import { describe, expect, test } from "bun:test";
import { loadProject } from "../../../engine/config/project.ts";
import { renameSource } from "../../../engine/config/pack.ts";
import { DpError } from "../../../engine/errors.ts";
import { StateStore } from "../../../engine/ingest/cursor-state.ts";
import { compileSql } from "../../../engine/transform/compile.ts";
import { planModels } from "../../../engine/transform/dag.ts";
import { modelFingerprint } from "../../../engine/transform/fingerprint.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { writeProject } from "../../helpers.ts";

/** {{ last_pull('source') }}: the source's last successful pull, to its UTC day, as a TIMESTAMP literal in UTC. */
const files = {
  "project.yaml":
    "name: lp\nsources:\n  stripe:\n    connector: demo\n    config: { streams: [customers] }\n  hubspot:\n    connector: demo\n    config: { streams: [deals] }\n",
  "models/staging/now_at.sql":
    "select greatest(\n  max(created_at),\n  {{ last_pull('stripe') }}\n) as now_at\nfrom {{ source('stripe', 'customers') }}\n",
};

function pulledAt(dir: string, source: string, at: string): void {
  new StateStore(loadProject(dir).paths.state).update(source, (s) => {
    s.last_success_at = at;
  });
}

async function compiled(dir: string, sql?: string): Promise<string> {
  const graph = await planModels(loadProject(dir));
  const model = graph.models.get("now_at")!;
  return compileSql(sql ? { ...model, sql } : model, graph);
}

function fingerprint(sql: string): string {
  const model = { name: "now_at", hash: "h", materialized: "table", sources: [] } as never;
  return modelFingerprint({
    model,
    sql,
    streams: new Map(),
    parents: [],
    attached: [],
    nowIso: "2026-12-01T00:15:00Z",
  });
}

describe("{{ last_pull('source') }}", () => {
  test("compiles to the start of the last successful pull's UTC day, on the call's line", async () => {
    const dir = writeProject(files);
    pulledAt(dir, "stripe", "2026-11-30T23:59:10.000Z");
    const sql = await compiled(dir);
    expect(sql.split("\n")[2]).toBe("  TIMESTAMP '2026-11-30 00:00:00'");
    const db = await Db.open(":memory:");
    try {
      const r = await db.one<{ t: string }>(
        `SELECT CAST(greatest(TIMESTAMP '2026-11-02 10:00:00', TIMESTAMP '2026-11-30 00:00:00') AS VARCHAR) AS t`,
      );
      expect(r!.t).toBe("2026-11-30 00:00:00");
    } finally {
      db.close();
    }
  });

  test("pulls on the same day compile to the same SQL and fingerprint; the next day's first pull moves both", async () => {
    const dir = writeProject(files);
    pulledAt(dir, "stripe", "2026-12-01T00:00:05.000Z");
    const first = await compiled(dir);
    pulledAt(dir, "stripe", "2026-12-01T23:45:00.000Z");
    const later = await compiled(dir);
    expect(later).toBe(first);
    expect(fingerprint(later)).toBe(fingerprint(first));
    pulledAt(dir, "stripe", "2026-12-02T00:15:00.000Z");
    const next = await compiled(dir);
    expect(next).toContain("TIMESTAMP '2026-12-02 00:00:00'");
    expect(fingerprint(next)).not.toBe(fingerprint(first));
  });

  test("is read once per graph: a pull that commits mid-build does not change what later models compile to", async () => {
    const dir = writeProject(files);
    pulledAt(dir, "stripe", "2026-11-28T06:00:00.000Z");
    const graph = await planModels(loadProject(dir));
    const model = graph.models.get("now_at")!;
    const before = compileSql(model, graph);
    pulledAt(dir, "stripe", "2026-12-01T00:15:00.000Z");
    expect(compileSql(model, graph)).toBe(before);
    expect(before).toContain("TIMESTAMP '2026-11-28 00:00:00'");
  });

  test("a source never pulled compiles to a NULL timestamp, which greatest() passes over", async () => {
    const dir = writeProject(files);
    const sql = await compiled(dir);
    expect(sql).toContain("CAST(NULL AS TIMESTAMP)");
    const db = await Db.open(":memory:");
    try {
      const r = await db.one<{ t: string }>(
        "SELECT CAST(greatest(TIMESTAMP '2026-11-02 10:00:00', CAST(NULL AS TIMESTAMP)) AS VARCHAR) AS t",
      );
      expect(r!.t).toBe("2026-11-02 10:00:00");
    } finally {
      db.close();
    }
  });

  test("a source project.yaml does not declare is a DpError naming the file:line and the closest source", async () => {
    const dir = writeProject(files);
    const graph = await planModels(loadProject(dir));
    const model = graph.models.get("now_at")!;
    let error: unknown;
    try {
      compileSql({ ...model, sql: "select 1 as x,\n  {{ last_pull('strpe') }} as at\n" }, graph);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DpError);
    const e = error as DpError;
    expect(e.code).toBe("MODEL_GRAPH");
    expect(e.message).toBe("{{ last_pull('strpe') }} names no source in project.yaml");
    expect(e.where).toBe("models/staging/now_at.sql:2");
    expect(e.fix).toContain("last_pull('stripe')");
  });

  test("dp add's source rename renames last_pull() too", () => {
    expect(renameSource("{{ last_pull('stripe') }}, {{ source('stripe', 'x') }}", "stripe", "billing")).toBe(
      "{{ last_pull('billing') }}, {{ source('billing', 'x') }}",
    );
  });
});
