import { afterEach, expect, test } from "bun:test";
import { listPage } from "../../connectors/stripe/index.ts";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { streamGlob } from "../../engine/ingest/lake-writer.ts";
import { FakeStripe } from "../fakes/stripe.ts";
import { HttpProject } from "./http-project.ts";
import { join } from "node:path";

/** A full Stripe pull takes each page's objects from its text (engine/ingest/records-text.ts), not JSON.parse: what lands must be what Stripe sent. */

let fake: FakeStripe | undefined;
let project: HttpProject | undefined;

afterEach(async () => {
  await fake?.close();
  project?.remove();
  fake = project = undefined;
});

const tricky = (i: number) => ({
  description: `say "hi" [}{]\\ é ✓\n line ${i}`,
  amount: i % 3 ? i + 0.5 : i,
  fee: 1e21 + i * 1e6,
  discount: i % 2 ? null : { coupon: { id: `co_${i}`, percent_off: 12.5 } },
  items: { object: "list", data: [{ id: `si_${i}`, quantity: i }] },
});

test("objects from the page text land exactly as Stripe sent them: escapes, unicode, fractions, large numbers, nested objects", async () => {
  fake = await FakeStripe.start({});
  // a stream without pinned columns (connectors/stripe/columns.ts), so every field the objects carry lands
  for (let i = 0; i < 230; i++) fake.add("payment_intents", 1, tricky(i));
  process.env.STRIPE_API_KEY = fake.apiKey;
  project = new HttpProject("billing", {
    connector: "stripe",
    config: { api_key: "${STRIPE_API_KEY}", base_url: fake.url, streams: ["payment_intents"] },
  });
  const r = await project.pull();
  expect(r.status).toBe("ok");
  expect(r.rows).toBe(230);
  const db = await Db.open(":memory:");
  try {
    const glob = streamGlob(join(project.dir, "lake", "raw"), "billing", "payment_intents");
    const rows = await db.all<{ j: string }>(
      `SELECT to_json(t) AS j FROM (SELECT COLUMNS(c -> c NOT LIKE '\\_dp\\_%' ESCAPE '\\') FROM read_parquet('${glob}', hive_partitioning = false)) t ORDER BY t.id`,
    );
    const landed = rows.map((row) => JSON.parse(String(row.j)));
    const sent = [...fake.objects.payment_intents!].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(landed.length).toBe(sent.length);
    for (let i = 0; i < sent.length; i++) expect(landed[i]).toEqual(JSON.parse(JSON.stringify(sent[i])));
  } finally {
    db.close();
  }
  expect(project.stream("payment_intents")?.state?.cursor).toBe(
    Math.max(...fake.objects.payment_intents!.map((o) => o.created)),
  );
});

test("a page the text walk cannot vouch for is parsed as before", () => {
  const duplicateKey = `{"object":"list","data":[{"id":"cus_1","created":5,"created":6}],"has_more":false}`;
  const parsed = listPage(duplicateKey);
  expect(parsed.text).toBeUndefined();
  expect(parsed.body.data).toEqual([{ id: "cus_1", created: 6 }]);
  const walked = listPage(
    `{"object":"list","data":[{"id":"cus_1","created":5},{"id":"cus_2","created":7}],"has_more":true}`,
  );
  expect(walked.text?.count).toBe(2);
  expect(walked.text?.picked).toEqual(["5", "7"]);
  expect(walked.body).toEqual({ object: "list", data: [], has_more: true });
  expect(() => listPage(`{"object":"list","data":[{"id":"cus_1"`)).toThrow();
});
