import { FakeServer, bearer, type FakeResponse, type RecordedRequest } from "./faults.ts";

export type HubspotObject = {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
};

export const HUBSPOT_TYPES = ["contacts", "companies", "deals"] as const;
export type HubspotType = (typeof HUBSPOT_TYPES)[number];

/** contacts keep the legacy name for their modification timestamp */
export function modifiedProperty(type: string): string {
  return type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
}

const DEFAULT_PROPERTIES: Record<HubspotType, string[]> = {
  contacts: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  companies: ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
  deals: [
    "amount",
    "closedate",
    "createdate",
    "dealname",
    "dealstage",
    "hs_lastmodifieddate",
    "hs_object_id",
    "pipeline",
  ],
};

export const HUBSPOT_SEED_MS = Date.parse("2025-10-01T00:00:00.000Z");

/**
 * HubSpot CRM v3: list `GET /crm/v3/objects/{type}` (limit ≤ 100, `after`, `properties=a,b`,
 * `paging.next.after`), search `POST /crm/v3/objects/{type}/search` (filterGroups, sorts,
 * limit ≤ 200, `after`, capped at `searchCap` results per query → 400), private-app Bearer token.
 */
export class FakeHubspot {
  readonly token = "pat-na1-11111111-2222-3333-4444-555555555555";
  readonly objects: Record<string, HubspotObject[]> = {};
  /** HubSpot refuses to page a search past 10,000 results */
  searchCap = 10_000;
  clockMs = HUBSPOT_SEED_MS;
  private seq = 1000;

  private constructor(readonly server: FakeServer) {}

  static async start(counts: Partial<Record<HubspotType, number>> = { contacts: 250 }): Promise<FakeHubspot> {
    let fake!: FakeHubspot;
    const server = await FakeServer.start((req) => fake.handle(req));
    fake = new FakeHubspot(server);
    for (const [type, n] of Object.entries(counts)) fake.add(type as HubspotType, n ?? 0);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  add(type: HubspotType, n: number): HubspotObject[] {
    const list = (this.objects[type] ??= []);
    const made: HubspotObject[] = [];
    for (let i = 0; i < n; i++) {
      const id = String((this.seq += 1));
      const at = this.tick();
      const properties: Record<string, string | null> = {
        hs_object_id: id,
        createdate: at,
        [modifiedProperty(type)]: at,
        ...sampleProperties(type, Number(id)),
      };
      const o: HubspotObject = { id, properties, createdAt: at, updatedAt: at, archived: false };
      list.push(o);
      made.push(o);
    }
    return made;
  }

  update(type: HubspotType, id: string, properties: Record<string, string | null>): void {
    const o = this.objects[type]?.find((x) => x.id === id);
    if (!o) throw new Error(`no ${type} ${id}`);
    const at = this.tick();
    Object.assign(o.properties, properties, { [modifiedProperty(type)]: at });
    o.updatedAt = at;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private tick(): string {
    this.clockMs += 1000;
    return new Date(this.clockMs).toISOString();
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (bearer(req) !== this.token) {
      return hubspotError(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
      );
    }
    const list = /^\/crm\/v3\/objects\/([a-z]+)$/.exec(req.path);
    const search = /^\/crm\/v3\/objects\/([a-z]+)\/search$/.exec(req.path);
    const type = (list ?? search)?.[1] as HubspotType | undefined;
    if (!type || !this.objects[type])
      return hubspotError(404, "OBJECT_NOT_FOUND", `Unable to infer object type from: ${type ?? req.path}`);
    if (list && req.method === "GET") return this.list(type, req);
    if (search && req.method === "POST") return this.search(type, req);
    return hubspotError(405, "VALIDATION_ERROR", "Method not allowed");
  }

  private list(type: HubspotType, req: RecordedRequest): FakeResponse {
    const limit = Number(req.query.get("limit") ?? 10);
    if (limit > 100) return hubspotError(400, "VALIDATION_ERROR", "limit must be at most 100");
    const props = req.query.get("properties")?.split(",").filter(Boolean);
    const rows = [...this.objects[type]!].sort((a, b) => Number(a.id) - Number(b.id));
    const after = req.query.get("after");
    const start = after ? rows.findIndex((o) => Number(o.id) >= Number(after)) : 0;
    const page = start < 0 ? [] : rows.slice(start, start + limit);
    const next = start >= 0 ? rows[start + limit] : undefined;
    return {
      body: {
        results: page.map((o) => project(o, props ?? DEFAULT_PROPERTIES[type])),
        ...(next ? { paging: { next: { after: next.id, link: `${this.url}${req.path}?after=${next.id}` } } } : {}),
      },
    };
  }

  private search(type: HubspotType, req: RecordedRequest): FakeResponse {
    const body = req.body as {
      filterGroups?: { filters: { propertyName: string; operator: string; value: string }[] }[];
      sorts?: { propertyName: string; direction: string }[];
      properties?: string[];
      limit?: number;
      after?: string;
    };
    const limit = body.limit ?? 10;
    if (limit > 200) return hubspotError(400, "VALIDATION_ERROR", "limit must be at most 200");
    const offset = Number(body.after ?? 0);
    if (offset >= this.searchCap)
      return hubspotError(400, "VALIDATION_ERROR", `Cannot page past ${this.searchCap} results for a single query`);
    let rows = this.objects[type]!.filter(
      (o) => !body.filterGroups?.length || body.filterGroups.some((g) => g.filters.every((f) => passes(o, f))),
    );
    const sort = body.sorts?.[0];
    rows = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
    if (sort) {
      const dir = sort.direction === "DESCENDING" ? -1 : 1;
      rows.sort(
        (a, b) => dir * (comparable(a.properties[sort.propertyName]) - comparable(b.properties[sort.propertyName])),
      );
    }
    const page = rows.slice(offset, offset + limit);
    const more = offset + limit < rows.length;
    return {
      body: {
        total: rows.length,
        results: page.map((o) => project(o, body.properties?.length ? body.properties : DEFAULT_PROPERTIES[type])),
        ...(more ? { paging: { next: { after: String(offset + limit) } } } : {}),
      },
    };
  }
}

function comparable(v: string | null | undefined): number {
  if (v === null || v === undefined) return Number.NEGATIVE_INFINITY;
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}

function passes(o: HubspotObject, f: { propertyName: string; operator: string; value: string }): boolean {
  const a = comparable(o.properties[f.propertyName]);
  const b = comparable(f.value);
  switch (f.operator) {
    case "GTE":
      return a >= b;
    case "GT":
      return a > b;
    case "LTE":
      return a <= b;
    case "LT":
      return a < b;
    case "EQ":
      return a === b;
    default:
      return false;
  }
}

function project(o: HubspotObject, props: string[]): HubspotObject {
  const properties: Record<string, string | null> = {};
  for (const p of props) properties[p] = o.properties[p] ?? null;
  return { id: o.id, properties, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived };
}

function sampleProperties(type: HubspotType, n: number): Record<string, string> {
  switch (type) {
    case "contacts":
      return {
        email: `person${n}@example.com`,
        firstname: `First${n}`,
        lastname: `Last${n}`,
        lifecyclestage: n % 3 ? "lead" : "customer",
      };
    case "companies":
      return { name: `Company ${n}`, domain: `company${n}.example.com`, industry: "SOFTWARE" };
    case "deals":
      return {
        dealname: `Deal ${n}`,
        amount: String(1000 + n),
        dealstage: "appointmentscheduled",
        pipeline: "default",
        closedate: new Date(HUBSPOT_SEED_MS + n * 86_400_000).toISOString(),
      };
  }
}

function hubspotError(status: number, category: string, message: string): FakeResponse {
  return { status, body: { status: "error", message, correlationId: crypto.randomUUID(), category } };
}
