import { afterEach, expect, test } from "bun:test";
import { HttpProject } from "./http-project.ts";

/** Pages from the text path (records-text.ts) must pull exactly what JSON.parse of the same pages pulled. */

let server: ReturnType<typeof Bun.serve> | undefined;
let project: HttpProject | undefined;

afterEach(() => {
  server?.stop(true);
  project?.remove();
  server = project = undefined;
});

const record = (i: number) => ({
  id: i,
  name: `n "${i}" [}{]\\ é\n`,
  updated_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  amount: i % 3 ? `${i}.50` : i,
  meta: { tags: ["a", "]"] },
});

/** Serves `pages` in order for ?cursor=N; `body` can rewrite a page's text. */
function serve(
  pageCount: number,
  perPage: number,
  body: (page: number, records: ReturnType<typeof record>[]) => string,
): string {
  const hits: number[] = [];
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const page = Number(new URL(req.url).searchParams.get("cursor") ?? 0);
      hits.push(page);
      const records = Array.from({ length: perPage }, (_, i) => record(page * perPage + i));
      return new Response(body(page, records), { headers: { "content-type": "application/json" } });
    },
  });
  return server.url.origin;
}

function source(url: string, stream: Record<string, unknown> = {}) {
  return {
    connector: "rest",
    config: {
      base_url: url,
      paginator: { type: "cursor", cursor_path: "meta.next", cursor_param: "cursor" },
      streams: { items: { path: "/items", records_path: "data", cursor_field: "updated_at", ...stream } },
    },
  };
}

const next = (page: number, last: number) => (page < last ? page + 1 : null);

test("pretty-printed pages with numbers as APIs write them: every record lands, the cursor is the max cursor_field", async () => {
  const url = serve(5, 40, (page, records) =>
    JSON.stringify({ meta: { next: next(page, 4) }, data: records }, null, 2).replace(
      /"amount": "(\d+\.50)"/g,
      '"amount": $1',
    ),
  );
  project = new HttpProject("api", source(url));
  const r = await project.pull();
  expect(r.error?.message).toBeUndefined();
  expect(r.rows).toBe(200);
  expect(await project.lake("items", "id", "sum(amount)")).toEqual({
    rows: 200,
    distinct: 200,
    extra: Array.from({ length: 200 }, (_, i) => (i % 3 ? i + 0.5 : i)).reduce((a, b) => a + b, 0),
  });
  expect(project.stream("items")?.state?.cursor).toBe(record(199).updated_at);
});

test("records that are not objects are wrapped as { value } as before", async () => {
  const url = serve(1, 3, () => `{"meta":{"next":null},"data":[1,"two",{"id":3}]}`);
  project = new HttpProject("api", source(url, { cursor_field: undefined }));
  const r = await project.pull();
  expect(r.rows).toBe(3);
  expect((await project.lake("items", "value")).distinct).toBe(2);
});

test("a page whose records are not at records_path fails with the same message, and nothing lands", async () => {
  const url = serve(2, 10, (page, records) =>
    page === 0
      ? JSON.stringify({ meta: { next: 1 }, data: records })
      : JSON.stringify({ meta: { next: null }, results: records }),
  );
  project = new HttpProject("api", source(url));
  const r = await project.pull();
  expect(r.status).toBe("failed");
  expect(r.error?.message).toContain('no record list at records_path "data"');
  expect(project.stream("items")?.state?.cursor).toBeUndefined();
  expect(project.parquetFiles("items")).toEqual([]);
});

test("invalid JSON is retried like a truncated body; when it stays invalid the pull fails clearly and keeps no cursor", async () => {
  let served = 0;
  const url = serve(2, 10, (page, records) => {
    const text = JSON.stringify({ meta: { next: next(page, 1) }, data: records });
    served++;
    return served === 2 ? text.replace('"id":', '"id" ') : text;
  });
  project = new HttpProject("api", source(url));
  expect((await project.pull()).rows).toBe(20);

  server!.stop(true);
  const bad = serve(1, 10, (_, records) =>
    JSON.stringify({ meta: { next: null }, data: records }).replace("}]", "}\n\u0001]"),
  );
  const again = new HttpProject("api", source(bad));
  try {
    const r = await again.pull();
    expect(r.status).toBe("failed");
    expect(r.error?.message).toContain("truncated or invalid JSON");
    expect(again.stream("items")?.state?.cursor).toBeUndefined();
    expect(again.parquetFiles("items")).toEqual([]);
  } finally {
    again.remove();
  }
});
