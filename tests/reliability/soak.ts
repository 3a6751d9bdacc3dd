/**
 * `bun run soak`: the reliability suite again and again with many more seeds and fuzz iterations,
 * new seeds each round, for a set time; figures add up in tests/reliability/.results-soak/ and
 * end up in the soak columns of tests/RELIABILITY.md.
 *   DP_SOAK_MINUTES (default 30)   how long to keep starting rounds
 *   DP_SOAK_SEEDS (default 12)     seeds per randomized test per round (CI uses 1–6)
 *   DP_SOAK_FUZZ (default 5)       fuzz iteration multiplier
 *   args: test files to limit the soak to (default: the whole folder)
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dir;
const minutes = Number(process.env.DP_SOAK_MINUTES ?? 30);
const seedsPerRound = Number(process.env.DP_SOAK_SEEDS ?? 12);
const fuzz = Number(process.env.DP_SOAK_FUZZ ?? 5);
const files = process.argv.slice(2);
const resultsDir = join(here, ".results-soak");
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const deadline = Date.now() + minutes * 60_000;
let round = 0;
let failedRounds = 0;
const started = Date.now();
while (Date.now() < deadline) {
  const base = 1000 * ++round + 1;
  console.log(
    `soak round ${round}: seeds ${base}…${base + seedsPerRound - 1}, fuzz ×${fuzz}, ${Math.round((deadline - Date.now()) / 60_000)} min left`,
  );
  const proc = Bun.spawn(["bun", "test", ...(files.length ? files : [here])], {
    env: {
      ...process.env,
      NO_COLOR: "1",
      DP_RELIABILITY_SOAK: "1",
      DP_SEEDS: String(seedsPerRound),
      DP_SEED_BASE: String(base),
      DP_FUZZ_SCALE: String(fuzz),
      DP_TIMEOUT_SCALE: String(Math.max(5, seedsPerRound)),
    },
    stdout: "inherit",
    stderr: "inherit",
  });
  if ((await proc.exited) !== 0) failedRounds++;
}
const note = `${round} rounds in ${Math.round((Date.now() - started) / 60_000)} min, ${seedsPerRound} seeds per test per round, fuzz ×${fuzz}${failedRounds ? `, ${failedRounds} rounds with a failing test` : ""}`;
writeFileSync(join(resultsDir, "SOAK.txt"), `${note}\n`);
const report = Bun.spawnSync(["bun", join(here, "report.ts")], { stdout: "inherit", stderr: "inherit" });
console.log(`soak: ${note}`);
process.exit(failedRounds || report.exitCode ? 1 : existsSync(resultsDir) ? 0 : 1);
