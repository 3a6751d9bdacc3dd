import { afterAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "../../cli/orchestrate-fixture.ts";
import { dp } from "../../helpers.ts";

const f = fixture("cron");
afterAll(() => f.remove());

test("dp schedule install is idempotent: one marked entry per project, other lines kept", () => {
  const file = join(f.dir, "crontab");
  const other =
    "# dp: run --due for /srv/other (managed by `dp schedule install`)\n*/5 * * * * cd /srv/other && dp run --due\n";
  writeFileSync(file, `MAILTO=ops@example.com\n0 3 * * * /usr/local/bin/backup\n${other}`);
  const printed = dp(["schedule", "install", "--print"], { cwd: f.dir });
  expect(printed.code).toBe(0);
  expect(readFileSync(file, "utf8")).not.toContain(f.dir);
  const line = printed.stdout.trim();
  expect(line).toStartWith(`*/5 * * * * cd ${f.dir} && PATH=`);
  expect(line).toEndWith(`run --due >> ${join(f.dir, ".dp", "logs", "cron.log")} 2>&1`);
  expect(dp(["schedule", "install", "--crontab-file", file], { cwd: f.dir }).stdout).toStartWith("installed");
  expect(dp(["schedule", "install", "--crontab-file", file], { cwd: f.dir }).stdout).toStartWith("replaced");
  const text = readFileSync(file, "utf8");
  expect(text.split("\n").filter((l) => l === line).length).toBe(1);
  expect(text.split("\n").filter((l) => l.includes(`run --due for ${f.dir} `)).length).toBe(1);
  expect(text).toStartWith("MAILTO=ops@example.com\n0 3 * * * /usr/local/bin/backup\n");
  expect(text).toContain(other);
  expect(dp(["doctor", "--crontab-file", file], { cwd: f.dir }).stdout).toContain(
    "✓ cron: `dp run --due` entry installed",
  );
  expect(dp(["schedule", "uninstall", "--crontab-file", file], { cwd: f.dir }).stdout).toContain("removed");
  expect(readFileSync(file, "utf8")).toBe(`MAILTO=ops@example.com\n0 3 * * * /usr/local/bin/backup\n${other}`);
});
