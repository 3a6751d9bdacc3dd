/** Seeded randomness: CI runs a few seeds, `bun run soak` many (DP_SEEDS, DP_SEED_BASE). */
export function seeds(ciCount: number): number[] {
  const n = Number(process.env.DP_SEEDS ?? ciCount);
  const base = Number(process.env.DP_SEED_BASE ?? 1);
  return Array.from({ length: n }, (_, i) => base + i);
}

/** Iterations for fuzzing: CI's count, times DP_FUZZ_SCALE in soak. */
export function iterations(ciCount: number): number {
  return Math.round(ciCount * Number(process.env.DP_FUZZ_SCALE ?? 1));
}

export type Rng = {
  (): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
};

/** mulberry32 */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Rng;
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (xs) => xs[Math.floor(next() * xs.length)]!;
  return next;
}

/** A test's time limit; soak runs more seeds per test and scales it (DP_TIMEOUT_SCALE). */
export function budget(ms: number): number {
  return ms * Number(process.env.DP_TIMEOUT_SCALE ?? 1);
}
