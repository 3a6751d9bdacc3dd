import { FakeServer, bearer, type FakeResponse, type RecordedRequest } from "./faults.ts";
import { defaultPortal, type PortalInformation } from "./hubspot/account.ts";
import { batchReadAssociations, readAssociations } from "./hubspot/associations.ts";
import { hubspotError, missingScope, unauthorized } from "./hubspot/errors.ts";
import { listObjects, readObject } from "./hubspot/objects-api.ts";
import { listOwners, readOwner } from "./hubspot/owners.ts";
import { pipelinesApi } from "./hubspot/pipelines.ts";
import { propertiesApi, propertyDefinitions } from "./hubspot/properties.ts";
import { RateLimiter } from "./hubspot/rate-limit.ts";
import { searchObjects } from "./hubspot/search-api.ts";
import { CrmStore } from "./hubspot/store.ts";
import { objectType, type HubspotType, type StoredObject } from "./hubspot/types.ts";

export { HUBSPOT_TYPES, modifiedProperty, type HubspotObject, type HubspotType } from "./hubspot/types.ts";
export { CrmBuilder } from "./hubspot/builder.ts";
export type { PortalInformation } from "./hubspot/account.ts";

export const HUBSPOT_SEED_MS = Date.parse("2025-10-01T00:00:00.000Z");

interface Route {
  method: "GET" | "POST";
  path: RegExp;
  /** the private-app scope HubSpot checks for this endpoint */
  scope: (m: RegExpExecArray) => string;
  search?: boolean;
  handle: (req: RecordedRequest, m: RegExpExecArray) => FakeResponse;
}

const readScope = (segment: string) => `crm.objects.${objectType(segment) ?? segment}.read`;

/**
 * HubSpot's CRM API on a loopback server, built from HubSpot's public OpenAPI specs
 * (PublicApiSpecs/CRM: Companies, Contacts, Deals, Pipelines, Crm Owners, Associations v4,
 * Properties) and Account Info v3 (PublicApiSpecs/Account): objects list/read/search, deal pipelines,
 * owners, associations (v3 inline and v4), property definitions, the account's details (company
 * currency); private-app Bearer token, scopes, rate limits and HubSpot's error
 * body. The portal itself (records, history, clock) is `crm`; script it with `CrmBuilder`.
 */
export class FakeHubspot {
  readonly token = "pat-na1-11111111-2222-3333-4444-555555555555";
  readonly crm = new CrmStore(HUBSPOT_SEED_MS);
  readonly rate = new RateLimiter();
  /** the private app's granted scopes; undefined grants all */
  scopes: Set<string> | undefined;
  /** HubSpot refuses to page a search past 10,000 results (search guide; not in the spec) */
  searchCap = 10_000;
  /** the portal's settings `GET /account-info/v3/details` returns; edit to script a portal in EUR */
  account: PortalInformation = defaultPortal();
  private readonly routes: Route[] = [
    {
      method: "GET",
      path: /^\/crm\/v3\/objects\/([^/]+)$/,
      scope: (m) => readScope(m[1]!),
      handle: (r, m) => this.typed(m, (t) => listObjects(this.crm, t, r, this.url)),
    },
    {
      method: "GET",
      path: /^\/crm\/v3\/objects\/([^/]+)\/(\d+)$/,
      scope: (m) => readScope(m[1]!),
      handle: (r, m) => this.typed(m, (t) => readObject(this.crm, t, m[2]!, r)),
    },
    {
      method: "POST",
      path: /^\/crm\/v3\/objects\/([^/]+)\/search$/,
      scope: (m) => readScope(m[1]!),
      search: true,
      handle: (r, m) => this.typed(m, (t) => searchObjects(this.crm, t, r, this.searchCap)),
    },
    {
      method: "GET",
      path: /^\/crm\/v3\/pipelines\/([^/]+)(?:\/([^/]+)(\/stages)?)?$/,
      scope: () => "crm.objects.deals.read",
      handle: (_r, m) => pipelinesApi(this.crm.pipelines, m),
    },
    {
      method: "GET",
      path: /^\/crm\/v3\/owners\/?$/,
      scope: () => "crm.objects.owners.read",
      handle: (r) => listOwners(this.crm.owners, r),
    },
    {
      method: "GET",
      path: /^\/crm\/v3\/owners\/([^/]+)$/,
      scope: () => "crm.objects.owners.read",
      handle: (r, m) => readOwner(this.crm.owners, m[1]!, r),
    },
    {
      method: "GET",
      path: /^\/crm\/v3\/properties\/([^/]+)(?:\/([^/]+))?$/,
      scope: (m) => `crm.schemas.${objectType(m[1]!) ?? m[1]}.read`,
      handle: (_r, m) =>
        this.typed(m, (t) => propertiesApi(propertyDefinitions(t, this.crm.pipelines, this.crm.custom[t]), m[2])),
    },
    {
      method: "GET",
      path: /^\/crm\/v4\/objects\/([^/]+)\/(\d+)\/associations\/([^/]+)$/,
      scope: (m) => readScope(m[1]!),
      handle: (r, m) => readAssociations(this.crm, r, m),
    },
    {
      method: "GET",
      path: /^\/account-info\/v3\/details$/,
      // the only scope HubSpot's docs and the spec's security list for it
      scope: () => "oauth",
      handle: () => ({ body: { ...this.account, additionalCurrencies: [...this.account.additionalCurrencies] } }),
    },
    {
      method: "POST",
      path: /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/,
      scope: (m) => readScope(m[1]!),
      handle: (r, m) => batchReadAssociations(this.crm, r, m),
    },
  ];

  private constructor(readonly server: FakeServer) {}

  /** `counts` seeds sample records (the legacy connector tests); `{}` starts an empty portal. */
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

  get objects(): Record<HubspotType, StoredObject[]> {
    return this.crm.objects;
  }

  get clockMs(): number {
    return this.crm.clockMs;
  }

  set clockMs(ms: number) {
    this.crm.clockMs = ms;
  }

  /** n sample records, one second apart */
  add(type: HubspotType, n: number): StoredObject[] {
    const made: StoredObject[] = [];
    for (let i = 0; i < n; i++) {
      this.clockMs += 1000;
      const id = this.crm.nextId();
      made.push(this.crm.create(type, sampleProperties(type, Number(id)), id));
    }
    return made;
  }

  /** one write, a second after the last */
  update(type: HubspotType, id: string, properties: Record<string, string | null>): void {
    this.clockMs += 1000;
    this.crm.write(type, id, properties);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (bearer(req) !== this.token) return unauthorized();
    const matched = this.routes.map((route) => ({ route, m: route.path.exec(req.path) })).filter((x) => x.m);
    const hit = matched.find((x) => x.route.method === req.method);
    if (!hit)
      return matched.length
        ? hubspotError(405, "VALIDATION_ERROR", "Method not allowed")
        : hubspotError(404, "OBJECT_NOT_FOUND", `No route for ${req.method} ${req.path}`);
    const { refused, headers } = this.rate.admit(hit.route.search === true);
    if (refused) return refused;
    const scope = hit.route.scope(hit.m!);
    const answer = this.scopes && !this.scopes.has(scope) ? missingScope(scope) : hit.route.handle(req, hit.m!);
    return { ...answer, headers: { ...headers, ...answer.headers } };
  }

  /** routes whose first path segment is an object type (`deals` or `0-3`) */
  private typed(m: RegExpExecArray, then: (type: HubspotType) => FakeResponse): FakeResponse {
    const type = objectType(m[1]!);
    if (!type) return hubspotError(404, "OBJECT_NOT_FOUND", `Unable to infer object type from: ${m[1]}`);
    return then(type);
  }
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
