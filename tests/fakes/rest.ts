import { FakeServer, type FakeResponse, type RecordedRequest } from "./faults.ts";

export type Item = { id: number; name: string; amount: number; updated_at: string; tags: string[] };

export type RestAuthMode =
  | { type: "bearer"; token: string }
  | { type: "basic"; username: string; password: string }
  | { type: "api_key"; name: string; key: string; location: "header" | "query" };

export const REST_SEED_MS = Date.parse("2026-01-01T00:00:00.000Z");

/**
 * A generic JSON API over one item set, with one path per pagination style:
 *   /api/cursor/items  ?cursor=&limit=        → { data, meta: { next_cursor } }
 *   /api/link/items    ?page=&per_page=       → [ ... ] + Link: <…>; rel="next"
 *   /api/offset/items  ?offset=&limit=        → { results, total }
 *   /api/pages/items   ?page=&page_size=      → { items, total_pages }
 * Every path filters by `updated_since` (ISO) and orders by id.
 */
export class FakeRest {
  readonly items: Item[] = [];
  clockMs = REST_SEED_MS;
  /** servers cap page sizes; tests can lower it to check paginators keep going */
  maxPageSize = 100;

  private constructor(
    readonly server: FakeServer,
    public auth: RestAuthMode,
  ) {}

  static async start(
    n = 250,
    auth: RestAuthMode = { type: "bearer", token: "rest-token-abcdef123456" },
  ): Promise<FakeRest> {
    let fake!: FakeRest;
    const server = await FakeServer.start((req) => fake.handle(req));
    fake = new FakeRest(server, auth);
    fake.add(n);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  add(n: number): Item[] {
    const made: Item[] = [];
    for (let i = 0; i < n; i++) {
      const id = this.items.length + 1;
      const item = {
        id,
        name: `item ${id}`,
        amount: id * 10,
        updated_at: this.tick(),
        tags: id % 2 ? ["odd"] : ["even"],
      };
      this.items.push(item);
      made.push(item);
    }
    return made;
  }

  update(id: number, patch: Partial<Item>): void {
    const item = this.items.find((x) => x.id === id);
    if (!item) throw new Error(`no item ${id}`);
    Object.assign(item, patch, { updated_at: this.tick() });
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private tick(): string {
    this.clockMs += 1000;
    return new Date(this.clockMs).toISOString();
  }

  private authorized(req: RecordedRequest): boolean {
    const header = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    switch (this.auth.type) {
      case "bearer":
        return header("authorization") === `Bearer ${this.auth.token}`;
      case "basic":
        return (
          header("authorization") ===
          `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString("base64")}`
        );
      case "api_key":
        return (
          (this.auth.location === "header" ? header(this.auth.name) : req.query.get(this.auth.name)) === this.auth.key
        );
    }
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (!this.authorized(req))
      return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.example.com/auth" } };
    const m = /^\/api\/(cursor|link|offset|pages)\/items$/.exec(req.path);
    if (!m) return { status: 404, body: { message: `Not Found: ${req.path}` } };
    const q = req.query;
    const since = q.get("updated_since");
    const rows = since ? this.items.filter((x) => Date.parse(x.updated_at) >= Date.parse(since)) : this.items;
    const size = (name: string, dflt: number) => Math.min(Number(q.get(name) ?? dflt), this.maxPageSize);
    switch (m[1]) {
      case "cursor": {
        const limit = size("limit", 50);
        const after = Number(q.get("cursor") ? Buffer.from(q.get("cursor")!, "base64url").toString() : 0);
        const page = rows.filter((x) => x.id > after).slice(0, limit);
        const more = rows.some((x) => x.id > (page.at(-1)?.id ?? Number.POSITIVE_INFINITY));
        return {
          body: {
            data: page,
            meta: { next_cursor: more ? Buffer.from(String(page.at(-1)!.id)).toString("base64url") : null },
          },
        };
      }
      case "link": {
        const perPage = size("per_page", 30);
        const page = Number(q.get("page") ?? 1);
        const slice = rows.slice((page - 1) * perPage, page * perPage);
        const last = Math.max(1, Math.ceil(rows.length / perPage));
        const link = (p: number) => {
          const u = new URL(req.path, this.url);
          for (const [k, v] of q) u.searchParams.set(k, v);
          u.searchParams.set("page", String(p));
          u.searchParams.set("per_page", String(perPage));
          return u.toString();
        };
        const links = [`<${link(last)}>; rel="last"`, ...(page < last ? [`<${link(page + 1)}>; rel="next"`] : [])];
        return { headers: { link: links.join(", ") }, body: slice };
      }
      case "offset": {
        const limit = size("limit", 20);
        const offset = Number(q.get("offset") ?? 0);
        return { body: { results: rows.slice(offset, offset + limit), total: rows.length } };
      }
      default: {
        const pageSize = size("page_size", 25);
        const page = Number(q.get("page") ?? 1);
        return {
          body: {
            items: rows.slice((page - 1) * pageSize, page * pageSize),
            total_pages: Math.ceil(rows.length / pageSize),
          },
        };
      }
    }
  }
}
