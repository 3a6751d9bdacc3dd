import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { signStripePayload } from "../../connectors/webhook/signature.ts";
import { repoRoot, runDp, tempDir } from "../helpers.ts";
import { lakeRows } from "./lib/lake.ts";
import { record, Tally } from "./lib/record.ts";
import { iterations, rng, budget } from "./lib/seeds.ts";

const SECRET = "whsec_reliability_0123456789abcdef";
const dirs: string[] = [];
const children: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const c of children) c.kill(9);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(dir: string): Promise<{ child: ReturnType<typeof Bun.spawn>; url: string }> {
  // the real clock: signatures carry real timestamps
  const { DP_NOW: _, ...env } = process.env;
  const child = Bun.spawn(["bun", join(repoRoot, "cli/main.ts"), "serve", "-C", dir, "--port", "0"], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...env, NO_COLOR: "1", DP_WH_SECRET: SECRET },
  });
  children.push(child);
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  const until = Date.now() + 15_000;
  while (!/listening on (\S+)/.test(text)) {
    if (Date.now() > until) throw new Error(`dp serve did not start: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`dp serve exited: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  void (async () => {
    for await (const _ of child.stdout as ReadableStream<Uint8Array>) {
    }
  })();
  return { child, url: /listening on (\S+)/.exec(text)![1]! };
}

const event = (id: string, pad = "") =>
  JSON.stringify({
    id,
    object: "event",
    type: "invoice.paid",
    created: 1_790_000_000,
    data: { object: { id: `in_${id}`, amount_paid: 4200, pad } },
  });
const now = () => Math.floor(Date.now() / 1000);

async function post(url: string, body: string | Uint8Array, signature?: string): Promise<number> {
  try {
    const res = await fetch(`${url}/webhooks/events_src`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0; // connection refused or reset: the server is down
  }
}

describe("webhooks: bad requests are refused, good ones land once, the server stays up", () => {
  test(
    "unsigned, wrongly signed, replayed, tampered, oversized and malformed requests mixed into a bounded loopback load",
    async () => {
      const dir = tempDir("dp-rel-wh-");
      dirs.push(dir);
      writeFileSync(
        join(dir, "project.yaml"),
        stringify({
          name: "wh",
          sources: {
            events_src: {
              connector: "webhook",
              config: {
                signing_secret: "${DP_WH_SECRET}",
                max_body_bytes: 8192,
                flush_interval_seconds: 3600,
                flush_max_events: 1_000_000,
              },
            },
          },
        }),
      );
      const { child, url } = await serve(dir);
      const r = rng(Number(process.env.DP_SEED_BASE ?? 1));
      const attacks: Record<string, Tally> = {
        unsigned: new Tally(),
        "wrong secret": new Tally(),
        "tampered body": new Tally(),
        "garbage signature": new Tally(),
        "replayed (stale timestamp)": new Tally(),
        oversized: new Tally(),
        "malformed JSON": new Tally(),
      };
      const attack = async (kind: string, id: string): Promise<void> => {
        const body = event(id);
        let status: number;
        switch (kind) {
          case "unsigned":
            status = await post(url, body);
            break;
          case "wrong secret":
            status = await post(url, body, signStripePayload(body, "whsec_wrong", now()));
            break;
          case "tampered body":
            status = await post(url, body.replace("4200", "1"), signStripePayload(body, SECRET, now()));
            break;
          case "garbage signature":
            status = await post(
              url,
              body,
              r.pick(["t=abc,v1=zz", "v1=", "t=1", "", "t=1,v1=" + "0".repeat(64), "x".repeat(9000)]) || "t=",
            );
            break;
          case "replayed (stale timestamp)":
            status = await post(url, body, signStripePayload(body, SECRET, now() - r.int(400, 86_400 * 30)));
            break;
          case "oversized": {
            const big = event(id, "x".repeat(r.pick([9000, 100_000, 3_000_000])));
            status = await post(url, big, signStripePayload(big, SECRET, now()));
            break;
          }
          default: {
            const bad = r.pick(["{", "null", "[]", '{"no_id":true}', "\u0000\u0001", '{"id": 5}']);
            status = await post(url, bad, signStripePayload(bad, SECRET, now()));
          }
        }
        attacks[kind]!.try(status >= 400 && status < 500, `${kind}: status ${status}`);
      };
      const kinds = Object.keys(attacks);
      const accepted = new Set<string>();
      const sent = new Set<string>();
      const good = new Tally();
      let redeliveries = 0;
      const total = iterations(1500);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < total; i = next++) {
          if (i % 3 === 0) {
            await attack(kinds[i % kinds.length]!, `evt_bad_${i}`);
            continue;
          }
          // every 10th request redelivers the one before it (Stripe retries): still one row
          const id = `evt_${i % 10 === 2 && (i - 1) % 3 !== 0 ? i - 1 : i}`;
          if (sent.has(id)) redeliveries++;
          sent.add(id);
          const body = event(id);
          const status = await post(url, body, signStripePayload(body, SECRET, now()));
          good.try(status === 200, `good ${id}: status ${status}`);
          if (status === 200) accepted.add(id);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const up = await post(url, event("evt_last"), signStripePayload(event("evt_last"), SECRET, now()));
      accepted.add("evt_last");
      good.try(up === 200 && child.exitCode === null, "the server is down after the load");
      child.kill("SIGTERM");
      await Promise.race([child.exited, Bun.sleep(15_000)]);
      const landed = await runDp(["pull", "events_src", "-C", dir], { env: { DP_WH_SECRET: SECRET } });
      expect(landed.code).toBe(0);
      const rows = await lakeRows(dir, "events_src", "events", "id");
      const ids = rows.map((x) => String(x.id));
      const extra = ids.filter((id) => !accepted.has(id)).length;
      const missing = [...accepted].filter((id) => !ids.includes(id)).length;
      const dupes = ids.length - new Set(ids).size;
      good.try(
        extra + missing + dupes === 0,
        `lake: ${missing} accepted events missing, ${extra} refused events landed, ${dupes} duplicates`,
        extra + missing + dupes,
      );
      for (const [kind, t] of Object.entries(attacks)) {
        record({
          key: `webhook-${kind.split(" ")[0]!.toLowerCase()}`,
          kind: "security",
          title: `webhook: ${kind} request`,
          tries: t.tries,
          lost: t.lost,
          detail: "lost = requests answered 2xx (or the server unreachable)",
          file: "tests/reliability/webhooks.test.ts",
        });
      }
      record({
        key: "webhook-load",
        kind: "fault",
        title:
          "webhook: signed events under a bounded loopback load (16 concurrent clients, 1 in 3 requests hostile, 1 in 10 good ones redelivered)",
        tries: good.tries,
        lost: good.lost,
        detail: `${accepted.size} distinct events accepted, ${redeliveries} redeliveries; lost = good requests refused, server down, accepted events missing from the lake, refused ones landed, duplicate rows`,
        file: "tests/reliability/webhooks.test.ts",
      });
      for (const t of Object.values(attacks)) expect(t.examples).toEqual([]);
      expect(good.examples).toEqual([]);
    },
    budget(120_000),
  );
});
