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
 * A model that still cannot fit is built again once with `roomyMemoryLimit()` (see build.ts).
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

/** For a model that ran out of memory under the default: half the RAM. */
export function roomyMemoryLimit(): string {
  return `${Math.max(256, halfTheRamMb())}MB`;
}

function halfTheRamMb(): number {
  return Math.floor(totalmem() / 2 / 2 ** 20);
}

/** DuckDB's messages when a query could not get or pin memory under its limit. */
export function isOutOfMemory(message: string): boolean {
  return /Out of Memory|could not allocate block|failed to pin block/i.test(message);
}
