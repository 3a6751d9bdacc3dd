import { availableParallelism, totalmem } from "node:os";
import { DpError } from "../errors.ts";
import { MEMORY_SIZE } from "../config/project-schema.ts";

/**
 * DuckDB's resources when project.yaml sets no warehouse.threads / warehouse.memory_limit.
 * Threads: every core — a pull or build is the one heavy job on the machine.
 * Memory: 768 MB, or half the RAM on a machine with less than 1.5 GB. dp runs from cron on a small
 * VM beside other work, so its footprint is fixed, not a share of whatever the machine has: DuckDB
 * spills to `<warehouse>.tmp` beyond it. At DuckDB's own 80% (or half the RAM) the 10M-event demo
 * build took 2.6 GB of a 24 GB machine because it could, and ran 6% faster than under 500 MB.
 * A model that still cannot fit is built again a step up (`memoryLadder()`, build-run.ts).
 */
export const DEFAULT_MEMORY_MB = 768;

export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * A pull's DuckDB leaves one core to the JS thread, which fetches, parses and spools the next file
 * while DuckDB converts the last: with every core, the two fight over CPU and a conversion costs
 * more CPU for no less time (1M-record ingest on 2 cores: 14.8 → 12.0 CPU-s, 16.5 → 13–14 s).
 */
export function pullThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** `DP_MEMORY_LIMIT` sets this machine's default without editing project.yaml (a VM that runs several projects). */
export function defaultMemoryLimit(): string {
  const env = process.env.DP_MEMORY_LIMIT?.trim();
  if (env) {
    if (!MEMORY_SIZE.test(env)) {
      throw new DpError("CONFIG", `DP_MEMORY_LIMIT=${JSON.stringify(env)} is not a memory size`, {
        where: "environment variable DP_MEMORY_LIMIT",
        fix: "use a size such as 768MB or 2GB, or unset it",
      });
    }
    return env;
  }
  return `${Math.max(256, Math.min(DEFAULT_MEMORY_MB, halfTheRamMb()))}MB`;
}

/** Each step of the ladder is the last limit × this. */
export const MEMORY_STEP = 1.5;
/** How many times a model that ran out of memory under the default is built again, each a step up. */
export const MEMORY_RETRY_STEPS = 2;

/**
 * The limits a model that ran out of memory under the default `base` is built again under: ×1.5, then ×2.25
 * (768 MB → 1,152 → 1,728 MB), none above half the RAM. One jump to half the RAM let a retry take the 100× run
 * to 4.1 GB; a step at a time, the model gets what it needs and the log says which step that was.
 */
export function memoryLadder(base: string): string[] {
  const ceiling = Math.max(256, halfTheRamMb());
  const steps: string[] = [];
  let last = memoryMb(base);
  for (let i = 0; i < MEMORY_RETRY_STEPS; i++) {
    const next = Math.min(ceiling, Math.floor(last * MEMORY_STEP));
    if (next <= last) break;
    steps.push(`${next}MB`);
    last = next;
  }
  return steps;
}

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** A size as DuckDB reads it (MB = 10^6 bytes), in MB. */
export function memoryMb(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(size.trim());
  const unit = m ? UNIT_BYTES[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new DpError("CONFIG", `${JSON.stringify(size)} is not a memory size`);
  return (Number(m[1]) * unit) / 1e6;
}

function halfTheRamMb(): number {
  return Math.floor(totalmem() / 2 / 2 ** 20);
}

/** DuckDB's messages when a query could not get or pin memory under its limit. */
export function isOutOfMemory(message: string): boolean {
  return /Out of Memory|could not allocate block|failed to pin block/i.test(message);
}

/**
 * A model that ran out of memory under every limit it was given (`tried`, in order): which model, under what,
 * and the key to raise. `configured`: the limit is project.yaml's, which dp never raises itself.
 */
export function outOfMemoryError(model: string, tried: string[], options: { configured: boolean }): DpError {
  const last = tried.at(-1)!;
  const under = options.configured
    ? `warehouse.memory_limit ${last} (project.yaml)`
    : tried.length === 1
      ? `the default warehouse.memory_limit ${last}`
      : `the default ${tried[0]} and again under ${tried.slice(1).join(" and ")}`;
  const above = Math.ceil(memoryMb(last) * MEMORY_STEP);
  return new DpError("MODEL_SQL", `${model} ran out of memory under ${under}`, {
    where: "project.yaml: warehouse.memory_limit",
    fix: `raise warehouse.memory_limit in project.yaml above ${last} (e.g. ${above}MB), or DP_MEMORY_LIMIT on this machine, or lower warehouse.threads`,
  });
}
