import { readFileSync } from "node:fs";
import { cpus, totalmem, loadavg } from "node:os";
import { DuckDBInstance } from "@duckdb/node-api";

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  bun: string;
  duckdb: string;
  load: string;
}

export async function machine(): Promise<Machine> {
  const model = /model name\s*:\s*(.+)/.exec(safeRead("/proc/cpuinfo"))?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const version = String((await conn.runAndReadAll("SELECT version() AS v")).getRowObjects()[0]!.v);
  conn.closeSync();
  db.closeSync();
  return {
    cpu: model,
    cores: cpus().length,
    ramGb: Math.round(totalmem() / 2 ** 30),
    bun: Bun.version,
    duckdb: version,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM · Bun ${m.bun} · DuckDB ${m.duckdb}`;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
