import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCmd, tempDir } from "../helpers.ts";

/**
 * scripts/score-holdout.ts on the dev accounts only (the holdout is scored by hand and committed as
 * tests/fixtures/HOLDOUT-SCORE.md): it runs end to end through the real CLI and produces a score
 * table. This checks that a score comes out, not that it is perfect.
 */
const dir = tempDir("dp-score-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("bun scripts/score-holdout.ts --dev prints totals and writes a score table", async () => {
  const out = join(dir, "score.md");
  const r = await runCmd(["bun", join(repoRoot, "scripts/score-holdout.ts"), "--dev", "--out", out], {
    cwd: repoRoot,
    timeoutMs: 300_000,
  });
  expect({ code: r.code, hung: r.hung }).toEqual({ code: 0, hung: false });
  expect(r.stdout).toMatch(
    /^dev: values \d+ exact \/ \d+ within tolerance \/ \d+ wrong of \d+; questions \d+ right \/ \d+ partly \/ \d+ wrong number \/ \d+ refused of \d+$/m,
  );
  expect(existsSync(out)).toBe(true);
  const md = readFileSync(out, "utf8");
  expect(md).toContain(
    "| suite | values | exact | within tolerance | wrong | questions | right | partly | wrong number | refused | time |",
  );
  expect(md).toMatch(/^\| dev \| [1-9]\d* \| \d+ \| \d+ \| \d+ \| [1-9]\d* \| /m);
  // every group of expected values was compared: Stripe months, customers, HubSpot, matching, the later run
  for (const group of [
    "stripe usd months",
    "stripe customer-months",
    "hubspot pipeline",
    "matching",
    "later: MTD change",
  ])
    expect(md).toContain(`| ${group} |`);
  expect(md).toContain("## dev: founder questions");
  expect(md).toContain("| what was MRR last month? |");
}, 300_000);
