import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { signStripePayload } from "../../connectors/webhook/signature.ts";
import { StateStore } from "../../engine/ingest/cursor-state.ts";
import { spawnDp } from "../helpers.ts";
import { TempProject } from "./ingest-helpers.ts";

const SECRET = "whsec_test_0123456789abcdef";
process.env.DP_TEST_WEBHOOK_SECRET = SECRET;

type Child = ReturnType<typeof Bun.spawn>;

async function startServe(dir: string): Promise<{ child: Child; url: string }> {
  const child = spawnDp(["serve", "-C", dir, "--port", "0"], { env: { DP_NOW: undefined } });
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  const until = Date.now() + 15_000;
  while (!/listening on (\S+)/.test(text)) {
    if (Date.now() > until) throw new Error(`dp serve did not start: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`dp serve exited: ${text}${await new Response(child.stderr as ReadableStream).text()}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { child, url: /listening on (\S+)/.exec(text)![1]! };
}

function project(prefix: string, config: Record<string, unknown> = {}): TempProject {
  const p = new TempProject(prefix);
  p.writeConfig({
    stripe_events: {
      connector: "webhook",
      config: {
        signing_secret: "${DP_TEST_WEBHOOK_SECRET}",
        flush_interval_seconds: 3600,
        flush_max_events: 1_000_000,
        ...config,
      },
    },
  });
  return p;
}

function event(id: string, type = "invoice.paid"): string {
  return JSON.stringify({
    id,
    object: "event",
    type,
    created: 1_790_000_000,
    data: { object: { id: `in_${id}`, amount_paid: 4200 } },
  });
}

async function post(
  url: string,
  body: string,
  signature: string | undefined = signStripePayload(body, SECRET, Math.floor(Date.now() / 1000)),
): Promise<{ status: number; ms: number; json: any }> {
  const started = performance.now();
  const res = await fetch(`${url}/webhooks/stripe_events`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
  });
  const json = await res.json().catch(() => undefined);
  return { status: res.status, ms: performance.now() - started, json };
}

async function lakeCounts(p: TempProject): Promise<{ rows: number; distinct: number }> {
  if (!existsSync(p.path("lake", "raw", "stripe_events"))) return { rows: 0, distinct: 0 };
  const [r] = await p.query<{ rows: number; d: number }>(
    "SELECT count(*)::INT AS rows, count(DISTINCT id)::INT AS d FROM {raw:stripe_events.events}",
  );
  return { rows: r!.rows, distinct: r!.d };
}

async function stop(child: Child, signal: NodeJS.Signals | number = "SIGTERM"): Promise<void> {
  child.kill(signal);
  await Promise.race([child.exited, Bun.sleep(15_000)]);
}

const cleanup: (() => void)[] = [];
afterAll(() => cleanup.forEach((f) => f()));

describe("webhook source + dp serve", () => {
  test("a signed event lands once; the same event delivered 3 times is one row", async () => {
    const p = project("wh-once");
    const { child, url } = await startServe(p.dir);
    cleanup.push(
      () => child.kill(9),
      () => p.remove(),
    );
    try {
      const body = event("evt_1");
      const first = await post(url, body);
      expect(first.status).toBe(200);
      expect(first.json).toEqual({ received: true });
      for (let i = 0; i < 3; i++) expect((await post(url, body)).json).toEqual({ received: true, duplicate: true });
      const inbox = readdirSync(p.path("lake", "inbox", "stripe_events"));
      expect(inbox).toHaveLength(1);
      expect(
        readFileSync(p.path("lake", "inbox", "stripe_events", inbox[0]!), "utf8")
          .trim()
          .split("\n"),
      ).toHaveLength(1);
    } finally {
      await stop(child);
    }
    const [result] = await p.pull({ sources: ["stripe_events"] });
    expect(result!.status).toBe("ok");
    const rows = await p.query<{ id: string; type: string; created: number; amount: number }>(
      "SELECT id, type, created, (event->>'$.data.object.amount_paid')::INT AS amount FROM {raw:stripe_events.events}",
    );
    expect(rows).toEqual([{ id: "evt_1", type: "invoice.paid", created: 1_790_000_000, amount: 4200 }]);
    // a second pull finds nothing new
    expect((await p.pull({ sources: ["stripe_events"] }))[0]!.rows).toBe(0);
  }, 30_000);

  test("unsigned, wrongly signed, stale, malformed, oversized and bad-JSON deliveries are refused and not stored", async () => {
    const p = project("wh-reject", { max_body_bytes: 2048 });
    const { child, url } = await startServe(p.dir);
    cleanup.push(
      () => child.kill(9),
      () => p.remove(),
    );
    try {
      const body = event("evt_bad");
      const nowS = Math.floor(Date.now() / 1000);
      expect((await post(url, body, "")).status).toBe(401);
      expect((await post(url, body, signStripePayload(body, "whsec_wrong", nowS))).status).toBe(401);
      expect((await post(url, body, signStripePayload(body, SECRET, nowS - 301))).status).toBe(401);
      expect((await post(url, body, signStripePayload(body, SECRET, nowS + 301))).status).toBe(401);
      expect((await post(url, body, "v1=abc")).status).toBe(400);
      const tampered = body.replace("4200", "9999");
      expect((await post(url, tampered, signStripePayload(body, SECRET, nowS))).status).toBe(401);
      const big = JSON.stringify({ id: "evt_big", pad: "x".repeat(4096) });
      expect((await post(url, big)).status).toBe(413);
      expect((await post(url, "{not json")).status).toBe(400);
      expect((await post(url, JSON.stringify({ type: "no.id" }))).status).toBe(400);
      expect((await post(url, "[1,2]")).status).toBe(400);
      const unknown = await fetch(`${url}/webhooks/nope`, { method: "POST", body });
      expect(unknown.status).toBe(404);
      expect((await fetch(`${url}/webhooks/stripe_events`)).status).toBe(405);
      expect(existsSync(p.path("lake", "inbox", "stripe_events"))).toBe(false);
      // the 300 s tolerance edge still passes
      expect((await post(url, body, signStripePayload(body, SECRET, nowS - 290))).status).toBe(200);
    } finally {
      await stop(child);
    }
  }, 30_000);

  test("a burst of 500 events is acknowledged fast and lands exactly once (size-triggered flush + final flush on SIGTERM)", async () => {
    const p = project("wh-burst", { flush_max_events: 200 });
    const { child, url } = await startServe(p.dir);
    cleanup.push(
      () => child.kill(9),
      () => p.remove(),
    );
    const N = 500;
    const CONCURRENCY = 25;
    const latencies: number[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          const r = await post(url, event(`evt_burst_${i}`));
          expect(r.status).toBe(200);
          latencies.push(r.ms);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(N * 0.5)]!;
    const p99 = latencies[Math.floor(N * 0.99)]!;
    console.log(
      `webhook burst: ${N} events in ${seconds.toFixed(2)} s = ${Math.round(N / seconds)} events/s acknowledged, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    );
    expect(seconds).toBeLessThan(20);
    await stop(child);
    expect(await child.exited).toBe(0);
    expect(await lakeCounts(p)).toEqual({ rows: N, distinct: N });
    // a restarted server knows every id from the lake: redeliveries are acknowledged, not stored
    const again = await startServe(p.dir);
    cleanup.push(() => again.child.kill(9));
    try {
      for (let i = 0; i < 20; i++)
        expect((await post(again.url, event(`evt_burst_${i * 7}`))).json).toEqual({ received: true, duplicate: true });
    } finally {
      await stop(again.child);
    }
    expect(await lakeCounts(p)).toEqual({ rows: N, distinct: N });
  }, 60_000);

  test("kill -9 after acknowledgements: restart + dp pull lands every acknowledged event exactly once", async () => {
    const p = project("wh-kill");
    const first = await startServe(p.dir);
    cleanup.push(
      () => first.child.kill(9),
      () => p.remove(),
    );
    const acked = new Set<string>();
    let next = 0;
    const senders = Array.from({ length: 10 }, async () => {
      while (next < 400) {
        const id = `evt_kill_${next++}`;
        try {
          const r = await post(first.url, event(id));
          if (r.status === 200) acked.add(id);
        } catch {
          return; // the server died mid-request: not acknowledged
        }
      }
    });
    while (acked.size < 150) await Bun.sleep(2);
    first.child.kill(9);
    await Promise.all(senders);
    await first.child.exited;
    expect(acked.size).toBeGreaterThanOrEqual(150);
    // the sender retries everything it sent, acknowledged or not, to a restarted server
    const second = await startServe(p.dir);
    cleanup.push(() => second.child.kill(9));
    let dupes = 0;
    try {
      for (const id of [...acked].slice(0, 50)) if ((await post(second.url, event(id))).json?.duplicate) dupes += 1;
      expect((await post(second.url, event("evt_after_restart"))).status).toBe(200);
    } finally {
      second.child.kill(9);
      await second.child.exited;
    }
    expect(dupes).toBe(50);
    const [result] = await p.pull({ sources: ["stripe_events"] });
    expect(result!.status).toBe("ok");
    const ids = new Set((await p.query<{ id: string }>("SELECT id FROM {raw:stripe_events.events}")).map((r) => r.id));
    for (const id of acked) expect(ids.has(id)).toBe(true);
    expect(ids.has("evt_after_restart")).toBe(true);
    const counts = await lakeCounts(p);
    expect(counts.rows).toBe(counts.distinct);
    console.log(
      `kill -9: ${acked.size} acknowledged before the kill, ${counts.rows} rows landed, ${counts.rows - counts.distinct} duplicates`,
    );
  }, 60_000);

  test("a pull that published Parquet but died before committing its offsets does not land the events twice", async () => {
    const p = project("wh-replay");
    const { child, url } = await startServe(p.dir);
    cleanup.push(
      () => child.kill(9),
      () => p.remove(),
    );
    try {
      for (let i = 0; i < 30; i++) expect((await post(url, event(`evt_r_${i}`))).status).toBe(200);
    } finally {
      await stop(child, 9);
    }
    const store = new StateStore(p.path("lake", "state"));
    expect((await p.pull())[0]!.rows).toBe(30);
    // forget the committed offsets, as if the pull was killed right after the rename
    const s = store.read("stripe_events");
    delete s.streams.events!.state;
    store.write("stripe_events", s);
    expect((await p.pull())[0]!.rows).toBe(0);
    expect(await lakeCounts(p)).toEqual({ rows: 30, distinct: 30 });
  }, 30_000);
});
