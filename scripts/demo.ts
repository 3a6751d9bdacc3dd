/**
 * `bun run demo`: scaffold the embedded demo into ./demo (once), run the
 * pipeline, and ask the demo question — the path a new user walks.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const dir = join(root, "demo");
const dp = (...args: string[]) => {
  console.log(`\n$ dp ${args.join(" ")}`);
  const r = Bun.spawnSync(["bun", join(root, "cli/main.ts"), ...args], {
    stdout: "inherit",
    stderr: "inherit",
    cwd: dir,
  });
  return r.exitCode;
};

if (!existsSync(join(dir, "project.yaml"))) {
  const r = Bun.spawnSync(["bun", join(root, "cli/main.ts"), "init", dir, "--demo"], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (r.exitCode !== 0) process.exit(r.exitCode ?? 1);
}
const run = dp("run");
if (run !== 0) process.exit(run ?? 1);
const asked = dp("ask", "churn last month?") ?? 0;
console.log(
  "\nnext: `npm link` once puts `dp` on your PATH; then `cd demo && dp runs` (or, without it, `cd demo && bun run dp runs`)",
);
process.exit(asked);
