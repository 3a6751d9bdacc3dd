import { availableParallelism, totalmem } from "node:os";

/**
 * DuckDB's resources when project.yaml sets no warehouse.threads / warehouse.memory_limit.
 * Threads: every core — a pull or build is the one heavy job on the machine.
 * Memory: half the RAM, not DuckDB's 80%: the Bun process, the page cache over the
 * Parquet lake and a reader (`dp ask` during `dp run`) share it; on a 1 GB VM 80%
 * leaves nothing and the kernel kills the build instead of DuckDB spilling to disk.
 */
export function defaultThreads(): number {
  return availableParallelism();
}

export function defaultMemoryLimit(): string {
  return `${Math.max(256, Math.floor(totalmem() / 2 / 2 ** 20))}MB`;
}
