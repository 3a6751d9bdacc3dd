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

/**
 * A pull's DuckDB leaves one core to the JS thread, which fetches, parses and spools the next file
 * while DuckDB converts the last: with every core, the two fight over CPU and a conversion costs
 * more CPU for no less time (1M-record ingest on 2 cores: 14.8 → 12.0 CPU-s, 16.5 → 13–14 s).
 */
export function pullThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function defaultMemoryLimit(): string {
  return `${Math.max(256, Math.floor(totalmem() / 2 / 2 ** 20))}MB`;
}
