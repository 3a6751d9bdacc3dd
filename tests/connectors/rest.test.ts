import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { FakeRest } from "../fakes/rest.ts";
import { HttpProject, waitFor } from "./http-project.ts";

let fake: FakeRest;
let project: HttpProject;

const PAGINATED: Record<string, Record<string, unknown>> = {
  cursor: {
    path: "cursor/items",
    params: { limit: 50 },
    records_path: "data",
    paginator: { type: "cursor", cursor_path: "meta.next_cursor", cursor_param: "cursor" },
  },
  link: { path: "link/items", params: { per_page: 40 }, paginator: { type: "link_header" } },
  offset: {
    path: "offset/items",
    records_path: "results",
    paginator: { type: "offset", limit: 100, total_path: "total" },
  },
  pages: {
    path: "pages/items",
    records_path: "items",
    paginator: { type: "page_number", page_size: 25, page_size_param: "page_size", total_pages_path: "total_pages" },
  },
};

function source(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    connector: "rest",
    ...extra,
    config: {
      base_url: `${fake.url}/api/`,
      authentication: { type: "bearer", token: "${REST_TOKEN}" },
      streams: { items: PAGINATED.cursor },
      ...config,
    },
  };
}

beforeEach(async () => {
  fake = await FakeRest.start(250);
  process.env.REST_TOKEN = "rest-token-abcdef123456";
  project = new HttpProject("api", source());
});

afterEach(async () => {
  await fake.close();
  project.remove();
});

describe("rest", () => {
  for (const [style, stream] of Object.entries(PAGINATED)) {
    test(`${style} paginator reads to the end`, async () => {
      fake.maxPageSize = style === "offset" ? 30 : 100; // the server caps below the asked limit: offset must follow total, not stop
      project.write(source({ streams: { items: stream } }));
      const r = await project.pull();
      expect(r.error?.message).toBeUndefined();
      expect(r.rows).toBe(250);
      expect(await project.lake("items")).toMatchObject({ rows: 250, distinct: 250 });
    });
  }

  test("the cursor paginator sends the body's next_cursor back", async () => {
    await project.pull();
    const reqs = fake.server.answered();
    expect(reqs.length).toBe(5);
    expect(reqs[0]!.query.has("cursor")).toBe(false);
    expect(reqs[1]!.query.get("cursor")).toBe(Buffer.from("50").toString("base64url"));
    expect(reqs.every((q) => q.headers.authorization === "Bearer rest-token-abcdef123456")).toBe(true);
  });

  test("basic auth and api_key in header or query", async () => {
    fake.auth = { type: "basic", username: "me", password: "pw-secret-1" };
    process.env.REST_PASSWORD = "pw-secret-1";
    project.write(source({ authentication: { type: "basic", username: "me", password: "${REST_PASSWORD}" } }));
    expect((await project.pull()).rows).toBe(250);

    fake.auth = { type: "api_key", name: "X-API-Key", key: "key-in-header-1", location: "header" };
    process.env.REST_KEY = "key-in-header-1";
    project.write(source({ authentication: { type: "api_key", name: "X-API-Key", api_key: "${REST_KEY}" } }));
    expect((await project.pull({ fullRefresh: true })).rows).toBe(250);

    fake.auth = { type: "api_key", name: "api_key", key: "key-in-query-1", location: "query" };
    process.env.REST_KEY = "key-in-query-1";
    project.write(
      source({ authentication: { type: "api_key", name: "api_key", api_key: "${REST_KEY}", location: "query" } }),
    );
    expect((await project.pull({ fullRefresh: true })).rows).toBe(250);
    expect(fake.server.answered().at(-1)!.query.get("api_key")).toBe("key-in-query-1");
  });

  test("incremental: cursor_field max is sent as cursor_param (iso, minus lookback) and only new + updated come back", async () => {
    const stream = {
      ...PAGINATED.cursor,
      cursor_field: "updated_at",
      cursor_param: "updated_since",
      cursor_format: "iso",
    };
    project.write(source({ streams: { items: stream } }, { lookback: "2s" }));
    await project.pull();
    const cursor = project.stream("items")!.state!.cursor as string;
    expect(cursor).toBe(fake.items.at(-1)!.updated_at);
    fake.update(3, { amount: 1 });
    fake.add(4);
    const r = await project.pull();
    const sent = fake.server.answered().slice(5)[0]!.query.get("updated_since");
    expect(sent).toBe(new Date(Date.parse(cursor) - 2000).toISOString());
    // items 248..250 fall inside the 2 s lookback (inclusive) and come back as the lake holds them:
    // not landed again; item 3 was updated; 4 are new
    expect(r.rows).toBe(5);
    expect(r.streams[0]!.unchanged).toBe(3);
    expect(await project.lake("items")).toMatchObject({ distinct: 254 });
    expect(project.stream("items")?.state).toEqual({ cursor: fake.items.find((x) => x.id === 254)!.updated_at });
  });

  test("429 Retry-After as an HTTP-date, 502 then success, reset, truncated JSON", async () => {
    fake.server
      .fail({ kind: "status", status: 429, retryAfter: new Date(Date.now() - 1000).toUTCString() }, { after: 1 })
      .fail({ kind: "status", status: 502 }, { after: 2 })
      .fail({ kind: "reset" }, { after: 3 })
      .fail({ kind: "truncate" }, { after: 3 });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("items")).toMatchObject({ rows: 250, distinct: 250 });
    expect(fake.server.requests.filter((q) => q.fault).length).toBe(4);
  });

  test("401 fails at once naming REST_TOKEN; 404 names the URL and the API's message", async () => {
    process.env.REST_TOKEN = "wrong-token-0000";
    let r = await project.pull();
    expect(r.error?.code).toBe("SOURCE_AUTH");
    expect(r.error?.message).toContain("REST_TOKEN");
    expect(r.error?.message).toContain("Bad credentials");
    expect(r.error?.message).not.toContain("wrong-token-0000");
    expect(fake.server.requests.length).toBe(1);

    process.env.REST_TOKEN = "rest-token-abcdef123456";
    project.write(source({ streams: { items: { path: "/nowhere" } } }));
    r = await project.pull();
    expect(r.error?.code).toBe("SOURCE_HTTP");
    expect(r.error?.message).toContain("/api/nowhere");
    expect(r.error?.message).toContain("Not Found");
  });

  test("an api key in the query string never shows in errors", async () => {
    fake.auth = { type: "api_key", name: "api_key", key: "right-key-1", location: "query" };
    process.env.REST_KEY = "query-secret-777";
    project.write(
      source({ authentication: { type: "api_key", name: "api_key", api_key: "${REST_KEY}", location: "query" } }),
    );
    const r = await project.pull();
    expect(r.error?.code).toBe("SOURCE_AUTH");
    expect(r.error?.message).toContain("REST_KEY");
    expect(JSON.stringify(r.error)).not.toContain("query-secret-777");
  });

  test("config is strict: unknown keys and cursor_param without cursor_field are config errors", async () => {
    const configError = async () => {
      try {
        const r = await project.pull();
        return r.error;
      } catch (e) {
        return e as { code: string; message: string };
      }
    };
    project.write(source({ pagination: { type: "cursor" } }));
    expect((await configError())?.code).toBe("CONFIG");
    project.write(source({ streams: { items: { path: "/x", cursor_param: "since" } } }));
    const err = await configError();
    expect(err?.code).toBe("CONFIG");
    expect(err?.message).toContain("cursor_field");
  });

  test("kill -9 mid-pull, then rerun: exact distinct count, cursor only after the last page", async () => {
    const stream = {
      ...PAGINATED.cursor,
      cursor_field: "updated_at",
      cursor_param: "updated_since",
      cursor_format: "iso",
    };
    project.write(source({ streams: { items: stream } }));
    fake.add(350);
    fake.server.delayMs = 80;
    const child = project.spawnPull(100);
    await waitFor("two durable files", () => project.parquetFiles("items").length >= 2);
    child.kill(9);
    await child.exited;
    expect(project.stream("items")?.state?.cursor).toBeUndefined();
    fake.server.delayMs = 0;
    expect((await project.pull()).status).toBe("ok");
    const lake = await project.lake("items");
    expect(lake.distinct).toBe(600);
    // the rerun reads from the start again: the 200 the killed pull made durable come back as they
    // are and do not land twice
    expect(lake.rows).toBe(600);
    expect(project.stream("items")?.state).toEqual({ cursor: fake.items.at(-1)!.updated_at });
  }, 20_000);
});
