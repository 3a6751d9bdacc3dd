import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { signStripePayload } from "../../connectors/webhook/signature.ts";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { spawnDp } from "../helpers.ts";
import { CrmBuilder, FakeHubspot } from "../fakes/hubspot.ts";
import { HttpProject } from "./http-project.ts";
import { TempProject } from "./ingest-helpers.ts";

/**
 * Integers past 2^53 in a JSON page land with the source's digits, on every path a page can take:
 * the text walk (records-text.ts), the JSON.parse fallback (a page the walk does not vouch for, a
 * paginator that reads inside the records), and a webhook's body through the inbox. A field whose
 * first values are past 2^53 is typed BIGINT, past BIGINT DECIMAL(38,0) (Parquet has no HUGEINT:
 * DuckDB writes one as a DOUBLE), past 38 digits exact text; never DOUBLE.
 */

const BIG = "9007199254740993"; // 2^53 + 1: JSON.parse gives …992
const UMAX = "18446744073709551615"; // 2^64 - 1: JSON.parse gives 18446744073709552000
const IMIN = "-9223372036854775808";
const HUGE = "1180591620717411303424"; // 2^70: past 64 bits, DuckDB's JSON reader infers DOUBLE
const VAST = `1${"0".repeat(40)}`; // past DECIMAL(38,0): exact text

/** Records as a page's JSON text, numbers written as the API writes them (not through JSON.stringify). */
type Row = { id: string; big: string; umax: string; imin: string; huge: string; vast: string };
function page(rows: Row[], next: string | null) {
  const data = rows.map(
    (r) => `{"id":${r.id},"big":${r.big},"umax":${r.umax},"imin":${r.imin},"huge":${r.huge},"vast":${r.vast}}`,
  );
  return `{"meta":{"next":${next === null ? "null" : `"${next}"`}},"data":[${data.join(",")}]}`;
}

const ROWS: Row[] = [
  { id: "1", big: BIG, umax: UMAX, imin: IMIN, huge: HUGE, vast: "1" },
  { id: "2", big: "9007199254740995", umax: "1", imin: "-1", huge: "7", vast: VAST },
  { id: "3", big: "-9007199254740993", umax: "9223372036854775808", imin: IMIN, huge: `-${HUGE}`, vast: `-${VAST}` },
];
/** Parquet has no 128-bit integer (DuckDB writes a HUGEINT as a DOUBLE): past BIGINT, DECIMAL(38,0) */
const TYPES = {
  id: "BIGINT",
  big: "BIGINT",
  umax: "DECIMAL(38,0)",
  imin: "BIGINT",
  huge: "DECIMAL(38,0)",
  vast: "VARCHAR",
};

let server: ReturnType<typeof Bun.serve> | undefined;
let project: HttpProject | undefined;
afterEach(() => {
  server?.stop(true);
  project?.remove();
  server = project = undefined;
});

/** A loopback API serving `pages` (text) in order for ?cursor=N. */
function serve(pages: string[]): string {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const at = Number(new URL(req.url).searchParams.get("cursor") ?? 0);
      return new Response(pages[at] ?? page([], null), { headers: { "content-type": "application/json" } });
    },
  });
  return server.url.origin;
}

function rest(url: string, stream: Record<string, unknown> = {}) {
  return {
    connector: "rest",
    config: {
      base_url: url,
      paginator: { type: "cursor", cursor_path: "meta.next", cursor_param: "cursor" },
      streams: { items: { path: "/items", records_path: "data", primary_key: "id", ...stream } },
    },
  };
}

/** Every landed value as DuckDB's text, and the Parquet types, read by a DuckDB that is not dp's. */
async function landed(p: HttpProject, stream: string, columns: string[]) {
  const glob = `${p.dir}/lake/raw/${p.source}/${stream}/*/*.parquet`;
  const db = await Db.open(":memory:");
  try {
    const types = Object.fromEntries(
      (await db.describe(`SELECT ${columns.join(", ")} FROM read_parquet('${glob}', union_by_name = true)`)).map(
        (c) => [c.name, c.type],
      ),
    );
    const rows = await db.all(
      `SELECT ${columns.map((c) => `${c}::VARCHAR AS ${c}`).join(", ")} FROM read_parquet('${glob}', union_by_name = true) ORDER BY id::HUGEINT`,
    );
    return { types, rows };
  } finally {
    db.close();
  }
}

const COLUMNS = ["id", "big", "umax", "imin", "huge", "vast"];
const EXPECTED = ROWS.map((r) => ({ ...r }));

describe("integers past 2^53 in a REST page", () => {
  test("the text walk lands every digit: BIGINT, DECIMAL(38,0) past BIGINT, exact text past 38 digits", async () => {
    project = new HttpProject("api", rest(serve([page(ROWS.slice(0, 2), "1"), page(ROWS.slice(2), null)])));
    const r = await project.pull();
    expect(r.error?.message).toBeUndefined();
    expect(r.rows).toBe(3);
    const lake = await landed(project, "items", COLUMNS);
    expect(lake.rows).toEqual(EXPECTED);
    expect(lake.types).toEqual(TYPES);
    const declared = Object.fromEntries(project.stream("items")!.schema!.map((c) => [c.name, c.type]));
    expect(declared).toMatchObject(TYPES);
  });

  test("a page the walk gives up on (a key twice in a record) is parsed with the same digits", async () => {
    const twice = page(ROWS, null).replace(`{"id":1,`, `{"id":1,"id":1,`);
    project = new HttpProject("api", rest(serve([twice])));
    const r = await project.pull();
    expect(r.error?.message).toBeUndefined();
    const lake = await landed(project, "items", COLUMNS);
    expect(lake.rows).toEqual(EXPECTED);
    expect(lake.types).toEqual(TYPES);
  });

  test("a paginator that reads inside the records (JSON.parse of every page) lands the same digits", async () => {
    // a cursor read from the records array: the page is parsed whole, never walked
    const pages = [page(ROWS.slice(0, 2), null), page(ROWS.slice(2), null)];
    project = new HttpProject(
      "api",
      rest(serve(pages), { paginator: { type: "cursor", cursor_path: "data[0].id", cursor_param: "cursor" } }),
    );
    // data[0].id of page 0 is 1: the next request is ?cursor=1, page 1, whose data[0].id is 3 (no page 3: empty)
    const r = await project.pull();
    expect(r.error?.message).toBeUndefined();
    const lake = await landed(project, "items", COLUMNS);
    expect(lake.rows).toEqual(EXPECTED);
  });

  test("a next-page cursor past 2^53 in the body is sent back with its digits", async () => {
    const asked: string[] = [];
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const cursor = new URL(req.url).searchParams.get("cursor") ?? "";
        asked.push(cursor);
        const body =
          cursor === ""
            ? `{"meta":{"next":${BIG}},"data":[{"id":1}]}`
            : cursor === BIG
              ? `{"meta":{"next":null},"data":[{"id":2}]}`
              : `{"error":"no such cursor"}`;
        return new Response(body, { status: cursor === "" || cursor === BIG ? 200 : 400 });
      },
    });
    project = new HttpProject("api", rest(server.url.origin));
    const r = await project.pull();
    expect(r.error?.message).toBeUndefined();
    expect(asked).toEqual(["", BIG]);
    expect(r.rows).toBe(2);
  });

  test("a record that is a bare integer past 2^53 is wrapped as { value } with its digits", async () => {
    project = new HttpProject("api", rest(serve([`{"meta":{"next":null},"data":[${BIG},{"id":3}]}`])));
    expect((await project.pull()).rows).toBe(2);
    const lake = await landed(project, "items", ["id", "value"]);
    expect(lake.rows).toEqual([
      { id: "3", value: null },
      { id: null, value: BIG },
    ]);
  });

  test("a cursor_field past 2^53 is kept exactly in the state file and compared as a number", async () => {
    const ids = ["9007199254740993", "9007199254740995", "18446744073709551615", "5"];
    const text = `{"meta":{"next":null},"data":[${ids.map((id) => `{"id":${id},"seq":${id}}`).join(",")}]}`;
    project = new HttpProject("api", rest(serve([text]), { cursor_field: "seq", cursor_param: "since" }));
    expect((await project.pull()).rows).toBe(4);
    expect(project.stream("items")?.state?.cursor).toBe("18446744073709551615");
  });

  test("a field first seen past 2^53 is BIGINT; a later value past BIGINT widens it to DECIMAL(38,0) (drift), every value exact", async () => {
    let pages = [page([ROWS[0]!], null).replace(`"umax":${UMAX}`, `"umax":${BIG}`)];
    const url = (() => {
      server = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        fetch: () => new Response(pages.shift() ?? page([], null), { headers: { "content-type": "application/json" } }),
      });
      return server.url.origin;
    })();
    project = new HttpProject("api", rest(url));
    await project.pull();
    expect(project.stream("items")!.schema!.find((c) => c.name === "umax")?.type).toBe("BIGINT");
    pages = [page([ROWS[2]!], null)];
    const second = await project.pull();
    expect(second.error?.message).toBeUndefined();
    expect(second.streams[0]!.drift?.retyped).toEqual(["umax: BIGINT → DECIMAL(38,0)", "vast: BIGINT → VARCHAR"]);
    expect(project.stream("items")!.schema!.find((c) => c.name === "umax")?.type).toBe("DECIMAL(38,0)");
    const lake = await landed(project, "items", ["id", "umax"]);
    expect(lake.rows).toEqual([
      { id: "1", umax: BIG },
      { id: "3", umax: "9223372036854775808" },
    ]);
  });
});

/** A number the fakes write with these digits (JSON.stringify writes a JSON.rawJSON value as is). */
const exactly = (digits: string) => (JSON as unknown as { rawJSON(t: string): number }).rawJSON(digits);

describe("integers past 2^53 in a HubSpot page (the HTTP client's own parse)", () => {
  test("an owner's userId lands with its digits in its pinned BIGINT; one past BIGINT fails the pull naming it", async () => {
    const fake = await FakeHubspot.start({});
    process.env.HUBSPOT_TOKEN = fake.token;
    const p = new HttpProject("hubspot", {
      connector: "hubspot",
      config: { access_token: "${HUBSPOT_TOKEN}", base_url: fake.url, streams: ["owners"] },
    });
    try {
      const crm = new CrmBuilder(fake);
      const owner = { email: "a@x.io", firstName: "A", lastName: "B" };
      crm.owner("big", { ...owner, id: "1", userId: exactly(BIG) });
      crm.owner("max", { ...owner, id: "2", userId: exactly("9223372036854775807") });
      expect((await p.pull()).status).toBe("ok");
      const db = await Db.open(":memory:");
      try {
        expect(
          await db.all(
            `SELECT id, userId::VARCHAR AS u, userIdIncludingInactive::VARCHAR AS ui, typeof(userId) AS t FROM read_parquet('${p.dir}/lake/raw/hubspot/owners/*/*.parquet') ORDER BY id`,
          ),
        ).toEqual([
          { id: "1", u: BIG, ui: BIG, t: "BIGINT" },
          { id: "2", u: "9223372036854775807", ui: "9223372036854775807", t: "BIGINT" },
        ]);
      } finally {
        db.close();
      }
      // a pinned type never widens: a userId past BIGINT is refused, never rounded into it
      crm.owner("umax", { ...owner, id: "3", userId: exactly(UMAX) });
      const failed = await p.pull();
      expect(failed.status).toBe("failed");
      expect(failed.error?.message).toContain(UMAX);
    } finally {
      await fake.close();
      p.remove();
    }
  });
});

describe("integers past 2^53 in a Stripe list", () => {
  test("fields and nested objects land with their digits", async () => {
    // a list page as Stripe writes it: payment_intents has no pinned columns, so each field is typed by its values
    const list = `{"object":"list","has_more":false,"data":[
      {"id":"pi_1","object":"payment_intent","created":1790000000,"big":${BIG},"umax":${UMAX},"nested":{"n":${UMAX}}},
      {"id":"pi_2","object":"payment_intent","created":1790000001,"big":1,"umax":2,"nested":{"n":${HUGE}}}]}`;
    const url = serve([list]);
    process.env.STRIPE_API_KEY = "sk_test_bigintegers";
    project = new HttpProject("billing", {
      connector: "stripe",
      config: { api_key: "${STRIPE_API_KEY}", base_url: url, streams: ["payment_intents"] },
    });
    const r = await project.pull();
    expect(r.error?.message).toBeUndefined();
    const db = await Db.open(":memory:");
    try {
      expect(
        await db.all(
          `SELECT big::VARCHAR AS big, typeof(big) AS tb, umax::VARCHAR AS umax, typeof(umax) AS tu, nested.n::VARCHAR AS n, typeof(nested.n) AS tn
             FROM read_parquet('${project.dir}/lake/raw/billing/payment_intents/*/*.parquet') ORDER BY id`,
        ),
      ).toEqual([
        { big: BIG, tb: "BIGINT", umax: UMAX, tu: "DECIMAL(38,0)", n: UMAX, tn: "DECIMAL(38,0)" },
        { big: "1", tb: "BIGINT", umax: "2", tu: "DECIMAL(38,0)", n: HUGE, tn: "DECIMAL(38,0)" },
      ]);
    } finally {
      db.close();
    }
  });
});

describe("integers past 2^53 in a webhook event", () => {
  const SECRET = "whsec_test_bigints_0123456789";
  process.env.DP_TEST_WEBHOOK_SECRET = SECRET;
  const cleanup: (() => void)[] = [];
  afterAll(() => cleanup.forEach((f) => f()));

  test("the event's JSON lands with the digits the sender wrote", async () => {
    const p = new TempProject("wh-bigint");
    cleanup.push(() => p.remove());
    p.writeConfig({
      hooks: {
        connector: "webhook",
        config: {
          signing_secret: "${DP_TEST_WEBHOOK_SECRET}",
          flush_interval_seconds: 3600,
          flush_max_events: 1_000_000,
        },
      },
    });
    const child = spawnDp(["serve", "-C", p.dir, "--port", "0"], { env: { DP_NOW: undefined } });
    cleanup.push(() => child.kill(9));
    const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
    let out = "";
    while (!/listening on (\S+)/.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`dp serve exited: ${out}`);
      out += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    const url = /listening on (\S+)/.exec(out)![1]!;
    const body = `{"id":"evt_big","object":"event","type":"invoice.paid","created":1790000000,"data":{"object":{"big":${BIG},"umax":${UMAX},"huge":${HUGE},"vast":${VAST}}}}`;
    const res = await fetch(`${url}/webhooks/hooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "stripe-signature": signStripePayload(body, SECRET, Math.floor(Date.now() / 1000)),
      },
    });
    expect(res.status).toBe(200);
    child.kill("SIGTERM");
    await child.exited;
    const [result] = await p.pull({ sources: ["hooks"] });
    expect(result!.status).toBe("ok");
    const rows = await p.query(
      `SELECT event->>'$.data.object.big' AS big, event->>'$.data.object.umax' AS umax, event->>'$.data.object.huge' AS huge, event->>'$.data.object.vast' AS vast FROM {raw:hooks.events}`,
    );
    expect(rows).toEqual([{ big: BIG, umax: UMAX, huge: HUGE, vast: VAST }]);
  }, 30_000);
});
