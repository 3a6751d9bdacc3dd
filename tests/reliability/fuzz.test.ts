import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { DpError } from "../../engine/errors.ts";
import { setQuiet } from "../../engine/log.ts";
import { loadProject } from "../../engine/config/project.ts";
import { loadSourceConnector, pull } from "../../engine/ingest/pull.ts";
import { planDue } from "../../engine/orchestrate/pipeline.ts";
import { askOffline } from "../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../tools/context.ts";
import { runDp, tempDir } from "../helpers.ts";
import { cleanFailure } from "./lib/cli.ts";
import { mutateYamlText, QUESTIONS, randomBody, randomCsv, randomQuestion } from "./lib/fuzz-inputs.ts";
import { reliabilityProject } from "./lib/project.ts";
import { record, Tally } from "./lib/record.ts";
import { iterations, rng, budget } from "./lib/seeds.ts";

setQuiet(true);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const seed = Number(process.env.DP_SEED_BASE ?? 1);

/** A message a human can act on: no JS internals leaking through. */
const internals =
  /TypeError|ReferenceError|RangeError|SyntaxError: (?!JSON)|is not a function|Cannot read propert|undefined is not|Maximum call stack|\[object Object\]/;

async function withTimeout<T>(ms: number, p: Promise<T>): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const out = await Promise.race([p, new Promise<"hung">((r) => (timer = setTimeout(() => r("hung"), ms)))]);
  clearTimeout(timer);
  return out;
}

describe("bad input fuzzing: always a clear error and the right exit code, never a stack trace or a hang", () => {
  test(
    "project.yaml: text-level damage, alias bombs, deep nesting, wrong types",
    async () => {
      const r = rng(seed * 31);
      const dir = tempDir("dp-fuzz-yaml-");
      dirs.push(dir);
      const tally = new Tally();
      const n = iterations(300);
      const cliEvery = 15;
      const cli: Promise<void>[] = [];
      let valid = 0;
      for (let i = 0; i < n; i++) {
        const text = mutateYamlText(r);
        writeFileSync(join(dir, "project.yaml"), text);
        try {
          const project = loadProject(dir);
          for (const name of Object.keys(project.config.sources)) await loadSourceConnector(project, name);
          planDue(project);
          valid++;
          tally.try(true);
        } catch (e) {
          const ok = e instanceof DpError && e.exitCode === 2 && !internals.test(e.message);
          tally.try(
            ok,
            `#${i}: ${e instanceof DpError ? `${e.code} exit ${e.exitCode}: ${e.message.slice(0, 160)}` : `${(e as Error).name}: ${(e as Error).message.slice(0, 160)}`} ← ${JSON.stringify(text.slice(0, 80))}`,
          );
        }
        if (i % cliEvery === 0) {
          const copy = tempDir("dp-fuzz-yaml-cli-");
          writeFileSync(join(copy, "project.yaml"), text);
          cli.push(
            runDp(["sources", "-C", copy], { timeoutMs: 20_000 }).then((res) => {
              const why = cleanFailure(res, [0, 2]);
              tally.try(!why, `#${i} dp sources: ${why} ← ${JSON.stringify(text.slice(0, 80))}`);
              rmSync(copy, { recursive: true, force: true });
            }),
          );
          if (cli.length % 3 === 0) await Promise.all(cli.splice(0));
        }
      }
      await Promise.all(cli);
      record({
        key: "fuzz-project-yaml",
        kind: "fault",
        title:
          "fuzzed project.yaml (byte flips, cut lines, tokens, indentation, alias bomb, 5,000-deep nesting, wrong types)",
        tries: tally.tries,
        lost: tally.lost,
        detail: `${n} files in-process (${valid} still valid) + every ${cliEvery}th through \`dp sources\`; lost = anything but success or a DpError with exit 2, JS internals in the message, a stack trace or a hang`,
        file: "tests/reliability/fuzz.test.ts",
      });
      expect(tally.examples).toEqual([]);
    },
    budget(120_000),
  );

  test(
    "CSV files: delimiters, quoting, encodings, ragged rows, control bytes, empty files",
    async () => {
      const r = rng(seed * 37);
      const tally = new Tally();
      const n = iterations(40);
      let loaded = 0;
      for (let i = 0; i < n; i++) {
        const dir = tempDir("dp-fuzz-csv-");
        mkdirSync(join(dir, "data"));
        writeFileSync(join(dir, "data", "x.csv"), randomCsv(r));
        writeFileSync(
          join(dir, "project.yaml"),
          stringify({
            name: "f",
            sources: {
              f: {
                connector: "files",
                config: { streams: [{ name: "rows", path: "data/*.csv", on_bad_rows: r.pick(["fail", "reject"]) }] },
              },
            },
          }),
        );
        const res = await withTimeout(
          30_000,
          pull(loadProject(dir))
            .then((x) => x[0]!)
            .catch((e) => e as Error),
        );
        if (res === "hung") tally.try(false, `#${i}: hung`);
        else if (res instanceof Error) tally.try(false, `#${i}: threw ${res.name}: ${res.message.slice(0, 200)}`);
        else {
          if (res.status === "ok") loaded++;
          const msg = res.error?.message ?? "";
          tally.try(
            res.status === "ok" || (res.error!.code !== "INTERNAL" && !internals.test(msg)),
            `#${i}: ${res.error?.code}: ${msg.slice(0, 200)}`,
          );
        }
        if (i % 10 === 0) {
          const cli = await runDp(["pull", "-C", dir], { timeoutMs: 30_000 });
          const why = cleanFailure(cli, [0, 1], { errorLine: false });
          tally.try(
            !why && !/error\[INTERNAL\]/.test(cli.stdout + cli.stderr),
            `#${i} dp pull: ${why ?? cli.stdout.slice(0, 200)}`,
          );
        }
        rmSync(dir, { recursive: true, force: true });
      }
      record({
        key: "fuzz-csv",
        kind: "fault",
        title: "fuzzed CSV files through the files source",
        tries: tally.tries,
        lost: tally.lost,
        detail: `${n} files (${loaded} loaded, the rest refused with a reason); lost = INTERNAL errors, JS internals in messages, throws, hangs, stack traces`,
        file: "tests/reliability/fuzz.test.ts",
      });
      expect(tally.examples).toEqual([]);
    },
    budget(120_000),
  );

  test(
    "JSON API bodies: wrong shapes, truncated JSON, HTML, empty bodies, odd statuses (rest and HubSpot connectors)",
    async () => {
      const r = rng(seed * 41);
      let next = randomBody(r);
      const server = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        fetch: () =>
          new Response(next.status === 204 ? null : next.body, {
            status: next.status,
            headers: next.contentType ? { "content-type": next.contentType } : {},
          }),
      });
      const tally = new Tally();
      const n = iterations(60);
      process.env.DP_FUZZ_HUBSPOT_TOKEN = "pat-fuzz-token";
      try {
        for (let i = 0; i < n; i++) {
          next = randomBody(r);
          const dir = tempDir("dp-fuzz-json-");
          const connector = i % 3 === 2 ? "hubspot" : "rest";
          const source =
            connector === "rest"
              ? {
                  connector,
                  retries: { max_attempts: 2, max_wait: "0.01s" },
                  config: {
                    base_url: `${server.url}api/`,
                    streams: {
                      items: {
                        path: "items",
                        records_path: "data",
                        paginator: { type: "cursor", cursor_path: "meta.next_cursor", cursor_param: "cursor" },
                      },
                    },
                  },
                }
              : {
                  connector,
                  retries: { max_attempts: 2, max_wait: "0.01s" },
                  config: {
                    access_token: "${DP_FUZZ_HUBSPOT_TOKEN}",
                    base_url: server.url.toString().replace(/\/$/, ""),
                    streams: ["contacts"],
                  },
                };
          writeFileSync(join(dir, "project.yaml"), stringify({ name: "j", sources: { s: source } }));
          const res = await withTimeout(
            30_000,
            pull(loadProject(dir))
              .then((x) => x[0]!)
              .catch((e) => e as Error),
          );
          if (res === "hung") tally.try(false, `#${i} ${connector}: hung on ${JSON.stringify(next).slice(0, 120)}`);
          else if (res instanceof Error) tally.try(false, `#${i} ${connector}: threw ${res.message.slice(0, 160)}`);
          else
            tally.try(
              res.status === "ok" || (res.error!.code !== "INTERNAL" && !internals.test(res.error!.message)),
              `#${i} ${connector}: ${res.error?.code}: ${res.error?.message.slice(0, 200)} ← ${JSON.stringify(next).slice(0, 120)}`,
            );
          rmSync(dir, { recursive: true, force: true });
        }
      } finally {
        server.stop(true);
      }
      record({
        key: "fuzz-json-bodies",
        kind: "fault",
        title: "fuzzed JSON API answers (rest cursor paginator, HubSpot list)",
        tries: tally.tries,
        lost: tally.lost,
        detail: "lost = INTERNAL errors, JS internals in messages (e.g. `Cannot read properties`), throws, hangs",
        file: "tests/reliability/fuzz.test.ts",
      });
      expect(tally.examples).toEqual([]);
    },
    budget(120_000),
  );

  test(
    "questions: adversarial and random, offline planner in-process and dp ask --offline",
    async () => {
      const p = reliabilityProject();
      dirs.push(p.dir);
      expect((await runDp(["run", "-C", p.dir])).code).toBe(0);
      const r = rng(seed * 43);
      const questions = [...QUESTIONS, ...Array.from({ length: iterations(150) }, () => randomQuestion(r))];
      const tally = new Tally();
      const ctx = createToolContext(loadProject(p.dir));
      try {
        for (const q of questions) {
          const res = await withTimeout(
            20_000,
            askOffline(ctx, q).catch((e) => e as Error),
          );
          if (res === "hung") tally.try(false, `hung: ${JSON.stringify(q.slice(0, 60))}`);
          else if (res instanceof Error)
            tally.try(
              res instanceof DpError && res.exitCode === 2 && !internals.test(res.message),
              `${JSON.stringify(q.slice(0, 60))}: threw ${res.name}: ${res.message.slice(0, 160)}`,
            );
          else
            tally.try(
              res.status === "answered" || res.status === "refused",
              `${JSON.stringify(q.slice(0, 60))}: ${res.status}: ${res.answer.slice(0, 160)}`,
            );
        }
      } finally {
        ctx.close();
      }
      for (const q of QUESTIONS.slice(0, 12)) {
        const res = await runDp(["ask", "--offline", q, "-C", p.dir], { timeoutMs: 30_000 });
        const why = cleanFailure(res, [0, 2]);
        tally.try(!why, `dp ask ${JSON.stringify(q.slice(0, 40))}: ${why}`);
      }
      record({
        key: "fuzz-questions",
        kind: "fault",
        title: "adversarial and random questions to `dp ask --offline`",
        tries: tally.tries,
        lost: tally.lost,
        detail: `${questions.length} in-process + 12 through the CLI; lost = failed/thrown (other than a usage error for an empty question), hangs, stack traces`,
        file: "tests/reliability/fuzz.test.ts",
      });
      expect(tally.examples).toEqual([]);
    },
    budget(120_000),
  );
});
