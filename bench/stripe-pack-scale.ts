/**
 * `bun bench/stripe-pack-scale.ts [COPIES]` (default 10): the dev account's stories told COPIES times in
 * one Stripe account (tests/fixtures/stripe/dev.ts, `devStories` with a tag per copy), then what a
 * founder runs — `dp init --with stripe`, `dp pull`, `dp build` — timed apart, each in its own process.
 * Prints the sizes, the pull and build times, and their ratio. Not part of `bun run bench` (its cases
 * measure dp against DuckDB alone); this measures the pack's models against the pull that feeds them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StripeAccount } from "../tests/fakes/stripe-account.ts";
import { devStories } from "../tests/fixtures/stripe/dev.ts";
import { DP_NOW, Script } from "../tests/fixtures/stripe/scenario.ts";

const copies = Number(process.argv[2] ?? 10);
const root = join(import.meta.dir, "..");
const dp = ["bun", join(root, "cli/main.ts")];

const a = await StripeAccount.start({
  seed: "dp-dev",
  start: "2025-11-20T09:00:00Z",
  retryDays: [3, 7],
  dunning: "past_due",
});
const script = new Script();
for (let i = 0; i < copies; i++) devStories(a, script, i ? ` #${i + 1}` : "");
let t = performance.now();
script.runUntil(a, DP_NOW);
const scripted = performance.now() - t;
const sizes = Object.fromEntries(Object.entries(a.fake.objects).map(([k, v]) => [k, v.length]));

const dir = join(mkdtempSync(join(tmpdir(), "dp-stripe-scale-")), "acme");
const env = { ...process.env, DP_NOW, NO_COLOR: "1", DP_LOG: "warn" };
const run = async (args: string[]) => {
  const started = performance.now();
  const p = Bun.spawn([...dp, ...args], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`dp ${args.join(" ")} exited ${code}\n${out}\n${err}`);
  return performance.now() - started;
};
try {
  await run(["init", dir, "--with", "stripe"]);
  writeFileSync(join(dir, ".env"), `STRIPE_API_KEY=${a.fake.apiKey}\nSTRIPE_BASE_URL=${a.fake.url}\n`);
  const pull = await run(["pull", "-C", dir]);
  const build = await run(["build", "-C", dir]);
  t = performance.now();
  const rebuild = await run(["build", "-C", dir]);
  const report = {
    copies,
    objects: sizes,
    scripted_ms: Math.round(scripted),
    pull_ms: Math.round(pull),
    build_ms: Math.round(build),
    rebuild_ms: Math.round(rebuild),
    build_over_pull: Number((build / pull).toFixed(2)),
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await a.close();
  rmSync(join(dir, ".."), { recursive: true, force: true });
}
