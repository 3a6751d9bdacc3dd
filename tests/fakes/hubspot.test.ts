import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CrmBuilder, FakeHubspot } from "./hubspot.ts";
import { dealPipeline } from "./hubspot/pipelines.ts";

let fake: FakeHubspot;
let crm: CrmBuilder;

/** a small portal: two pipelines (the partner one wins in stage "9003"), two owners, one archived deal */
beforeAll(async () => {
  fake = await FakeHubspot.start({});
  crm = new CrmBuilder(fake)
    .at("2026-05-01T09:00:00Z")
    .pipeline(
      dealPipeline("9000", "Partners", 1, [
        ["9001", "Intro", 0.1],
        ["9002", "Proposal", 0.5],
        ["9003", "Signed", 1, true],
        ["9004", "Dropped", 0, true],
      ]),
    )
    .defineProperty("companies", "stripe_customer_id", "Stripe customer ID")
    .owner("ana", {
      id: "501",
      email: "ana@seller.example",
      firstName: "Ana",
      lastName: "Silva",
      userId: 9001,
      team: "East",
    })
    .owner("bo", { id: "502", email: "bo@seller.example", firstName: "Bo", lastName: "Lind", userId: 9002 })
    .company("acme", { id: "101", name: "Acme", domain: "acme.io", props: { stripe_customer_id: "cus_A" } })
    .contact("jo", { id: "201", email: "jo@acme.io", firstname: "Jo", company: "acme" })
    .deal("d1", {
      id: "301",
      name: "Acme annual",
      stage: "appointmentscheduled",
      amount: 12000,
      owner: "ana",
      company: "acme",
      contacts: ["jo"],
    })
    .deal("d2", { id: "302", name: "Partner deal", pipeline: "9000", stage: "9001", amount: 5000, owner: "bo" })
    .deal("d3", { id: "303", name: "Junk", stage: "qualifiedtobuy", amount: 1 })
    .at("2026-06-10T10:00:00Z")
    .move("d1", "contractsent")
    .amount("d1", 15000)
    .at("2026-07-01T12:00:00Z")
    .move("d1", "closedwon")
    .move("d2", "9003", { closedate: "2026-06-30T18:00:00Z" })
    .reassign("d2", null)
    .archive("d3")
    .at("2026-08-01T00:00:00Z")
    .archiveOwner("bo");
});

afterAll(() => fake.close());

async function hs(path: string, body?: unknown, token = fake.token) {
  const res = await fetch(`${fake.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const search = (type: string, body: unknown) => hs(`/crm/v3/objects/${type}/search`, body);

describe("objects list and read (Deals v3: CollectionResponseSimplePublicObjectWithAssociationsForwardPaging)", () => {
  test("default properties only when none are asked for; asked-for unknown ones ignored, unset ones null", async () => {
    const plain = await hs("/crm/v3/objects/deals?limit=100");
    expect(plain.body.results.map((d: any) => d.id)).toEqual(["301", "302"]);
    expect(Object.keys(plain.body.results[0].properties).sort()).toEqual([
      "amount",
      "closedate",
      "createdate",
      "dealname",
      "dealstage",
      "hs_lastmodifieddate",
      "hs_object_id",
      "pipeline",
    ]);
    const asked = await hs("/crm/v3/objects/deals?properties=hubspot_owner_id,no_such_prop,closed_lost_reason&limit=1");
    expect(asked.body.results[0].properties).toEqual({
      hubspot_owner_id: "501",
      closed_lost_reason: null,
      createdate: "2026-05-01T09:00:00.000Z",
      hs_object_id: "301",
      hs_lastmodifieddate: "2026-07-01T12:00:00.000Z",
    });
    expect(asked.body.paging.next.after).toBe("302");
  });

  test('values are strings: amounts, flags, probabilities; a cleared owner reads ""', async () => {
    const d = (
      await hs(
        "/crm/v3/objects/0-3/302?properties=amount,hs_is_closed_won,hs_is_closed,hs_deal_stage_probability,hubspot_owner_id,closedate",
      )
    ).body;
    expect(d.properties).toMatchObject({
      amount: "5000",
      hs_is_closed_won: "true",
      hs_is_closed: "true",
      hs_deal_stage_probability: "1.0",
      hubspot_owner_id: "",
      closedate: "2026-06-30T18:00:00.000Z",
    });
  });

  test("propertiesWithHistory: newest first with timestamps and source; at most 50 records a page", async () => {
    const d = (await hs("/crm/v3/objects/deals/301?propertiesWithHistory=dealstage,amount,hs_date_entered_closedwon"))
      .body;
    expect(d.propertiesWithHistory.dealstage.map((v: any) => [v.value, v.timestamp])).toEqual([
      ["closedwon", "2026-07-01T12:00:00.000Z"],
      ["contractsent", "2026-06-10T10:00:00.000Z"],
      ["appointmentscheduled", "2026-05-01T09:00:00.000Z"],
    ]);
    expect(d.propertiesWithHistory.amount[0]).toEqual({
      value: "15000",
      timestamp: "2026-06-10T10:00:00.000Z",
      sourceType: "CRM_UI",
    });
    expect(d.propertiesWithHistory.hs_date_entered_closedwon[0].sourceType).toBe("CALCULATED");
    const many = await FakeHubspot.start({ deals: 120 });
    try {
      const page = await fetch(`${many.url}/crm/v3/objects/deals?limit=100&propertiesWithHistory=amount`, {
        headers: { authorization: `Bearer ${many.token}` },
      });
      const json = (await page.json()) as any;
      expect(json.results.length).toBe(50);
      expect(json.paging.next.after).toBe(String(Number(json.results[49].id) + 1));
    } finally {
      await many.close();
    }
  });

  test("closing sets the close date unless given, stage entered/exited dates and the won flag", async () => {
    const d = (
      await hs(
        "/crm/v3/objects/deals/301?properties=closedate,hs_is_closed_won,hs_date_entered_closedwon,hs_date_exited_contractsent",
      )
    ).body.properties;
    expect(d).toMatchObject({
      closedate: "2026-07-01T12:00:00.000Z",
      hs_is_closed_won: "true",
      hs_date_entered_closedwon: "2026-07-01T12:00:00.000Z",
      hs_date_exited_contractsent: "2026-07-01T12:00:00.000Z",
    });
  });

  test("archived=true lists only deleted records, with archivedAt; deleting does not move the last-modified date", async () => {
    const gone = (await hs("/crm/v3/objects/deals?archived=true&properties=hs_lastmodifieddate")).body.results;
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({
      id: "303",
      archived: true,
      archivedAt: "2026-07-01T12:00:00.000Z",
      properties: { hs_lastmodifieddate: "2026-05-01T09:00:00.000Z" },
    });
    expect((await hs("/crm/v3/objects/deals/303")).status).toBe(404);
  });

  test("limit over 100 is a 400 in HubSpot's error shape", async () => {
    const r = await hs("/crm/v3/objects/deals?limit=101");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
    expect(r.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("associations", () => {
  test("v3 associations=: a primary company is listed twice (labelled and unlabeled); none → key absent", async () => {
    const deals = (await hs("/crm/v3/objects/deals?associations=companies,contacts")).body.results;
    expect(deals[0].associations).toEqual({
      companies: {
        results: [
          { id: "101", type: "deal_to_company" },
          { id: "101", type: "deal_to_company_unlabeled" },
        ],
      },
      contacts: { results: [{ id: "201", type: "deal_to_contact" }] },
    });
    expect(deals[1].associations).toBeUndefined();
    const contact = (await hs("/crm/v3/objects/contacts/201?properties=associatedcompanyid")).body;
    expect(contact.properties.associatedcompanyid).toBe("101");
  });

  test("v4 read and batch read: association types with ids; inputs with none come back as errors (207)", async () => {
    const one = (await hs("/crm/v4/objects/deals/301/associations/companies")).body;
    expect(one.results).toEqual([
      {
        toObjectId: "101",
        associationTypes: [
          { category: "HUBSPOT_DEFINED", typeId: 5, label: "Primary" },
          { category: "HUBSPOT_DEFINED", typeId: 341, label: null },
        ],
      },
    ]);
    const batch = await hs("/crm/v4/associations/deals/companies/batch/read", {
      inputs: [{ id: "301" }, { id: "302" }],
    });
    expect(batch.status).toBe(207);
    expect(batch.body.results.map((r: any) => [r.from.id, r.to[0].toObjectId])).toEqual([["301", "101"]]);
    expect(batch.body.errors[0]).toMatchObject({ status: "error", context: { fromObjectId: ["302"] } });
    const back = (await hs("/crm/v4/associations/companies/deals/batch/read", { inputs: [{ id: "101" }] })).body;
    expect(back.results[0].to[0].associationTypes.map((t: any) => t.typeId)).toEqual([6, 342]);
  });
});

describe("search (PublicObjectSearchRequest → CollectionResponseWithTotalSimplePublicObject)", () => {
  test("last-modified GTE in epoch ms or ISO, ascending; archived records never returned", async () => {
    const since = Date.parse("2026-06-01T00:00:00Z");
    for (const value of [String(since), "2026-06-01T00:00:00Z"]) {
      const r = await search("deals", {
        filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value }] }],
        sorts: [{ propertyName: "hs_lastmodifieddate", direction: "ASCENDING" }],
        limit: 200,
      });
      expect(r.body.total).toBe(2);
      expect(r.body.results.map((d: any) => d.id)).toEqual(["301", "302"]);
    }
    const all = await search("deals", {});
    expect(all.body.results.map((d: any) => d.id)).toEqual(["301", "302"]);
  });

  test("EQ and IN on strings ignore case; groups OR, filters AND; one sort, descending", async () => {
    const r = await search("deals", {
      filterGroups: [
        { filters: [{ propertyName: "dealstage", operator: "EQ", value: "CLOSEDWON" }] },
        {
          filters: [
            { propertyName: "pipeline", operator: "IN", values: ["9000"] },
            { propertyName: "amount", operator: "LT", value: "6000" },
          ],
        },
      ],
      sorts: [{ propertyName: "amount", direction: "DESCENDING" }],
      properties: ["amount"],
    });
    expect(r.body.results.map((d: any) => [d.id, d.properties.amount])).toEqual([
      ["301", "15000"],
      ["302", "5000"],
    ]);
    expect((await search("deals", { sorts: ["amount", "createdate"] })).status).toBe(400);
    expect(
      (await search("deals", { filterGroups: [{ filters: [{ propertyName: "nope", operator: "EQ", value: "1" }] }] }))
        .status,
    ).toBe(400);
  });

  test("limit ≤ 200; paging past the result cap is a 400", async () => {
    expect((await search("deals", { limit: 201 })).status).toBe(400);
    const first = await search("deals", { limit: 1 });
    expect(first.body.paging.next.after).toBe("1");
    fake.searchCap = 1;
    try {
      const r = await search("deals", { limit: 1, after: "1" });
      expect(r.status).toBe(400);
      expect(r.body.category).toBe("VALIDATION_ERROR");
    } finally {
      fake.searchCap = 10_000;
    }
  });

  test("eventually consistent: with deferred indexing a write reaches search only once indexed", async () => {
    const lagging = await FakeHubspot.start({});
    try {
      lagging.crm.searchIndexing = "deferred";
      new CrmBuilder(lagging).at("2026-05-01T00:00:00Z").company("x", { id: "7", name: "X", domain: "x.io" });
      const ask = () =>
        fetch(`${lagging.url}/crm/v3/objects/companies/search`, {
          method: "POST",
          headers: { authorization: `Bearer ${lagging.token}`, "content-type": "application/json" },
          body: "{}",
        }).then((r) => r.json() as any);
      expect((await ask()).total).toBe(0);
      lagging.crm.indexSearch();
      expect((await ask()).total).toBe(1);
    } finally {
      await lagging.close();
    }
  });
});

describe("pipelines, owners, properties", () => {
  test("pipelines with stage metadata as strings; a custom won stage is just closed with probability 1.0", async () => {
    const { results } = (await hs("/crm/v3/pipelines/deals")).body;
    expect(results.map((p: any) => [p.id, p.label])).toEqual([
      ["default", "Sales Pipeline"],
      ["9000", "Partners"],
    ]);
    expect(results[0].stages.find((s: any) => s.id === "closedlost").metadata).toEqual({
      isClosed: "true",
      probability: "0.0",
    });
    expect(results[1].stages.find((s: any) => s.id === "9003")).toMatchObject({
      label: "Signed",
      displayOrder: 2,
      metadata: { isClosed: "true", probability: "1.0" },
    });
    expect((await hs("/crm/v3/pipelines/deals/9000/stages")).body.results).toHaveLength(4);
  });

  test("owners: live by default, the ones who left only with archived=true", async () => {
    const live = (await hs("/crm/v3/owners")).body.results;
    expect(live.map((o: any) => o.id)).toEqual(["501"]);
    expect(live[0]).toMatchObject({
      email: "ana@seller.example",
      firstName: "Ana",
      lastName: "Silva",
      userId: 9001,
      type: "PERSON",
      archived: false,
      teams: [{ name: "East", primary: true }],
    });
    const left = (await hs("/crm/v3/owners?archived=true")).body.results;
    expect(left.map((o: any) => [o.id, o.archived])).toEqual([["502", true]]);
  });

  test("property definitions: custom stripe_customer_id, stage-date properties per stage, stage options", async () => {
    const companies = (await hs("/crm/v3/properties/companies")).body.results;
    const custom = companies.find((p: any) => p.name === "stripe_customer_id");
    expect(custom).toMatchObject({ type: "string", fieldType: "text", calculated: false });
    expect(custom.hubspotDefined).toBeUndefined();
    const deals = (await hs("/crm/v3/properties/deals")).body.results.map((p: any) => p.name);
    expect(deals).toContain("hs_date_entered_9003");
    const stage = (await hs("/crm/v3/properties/deals/dealstage")).body;
    expect(stage.options.map((o: any) => o.value)).toContain("9003");
  });
});

describe("account details (Account Info v3: PortalInformationResponse)", () => {
  test("every field the spec requires, the currencies as ISO codes; the oauth scope, else 403 MISSING_SCOPES", async () => {
    const r = await hs("/account-info/v3/details");
    expect(r.status).toBe(200);
    for (const field of [
      "accountType",
      "additionalCurrencies",
      "companyCurrency",
      "dataHostingLocation",
      "portalId",
      "timeZone",
      "uiDomain",
      "utcOffset",
      "utcOffsetMilliseconds",
    ])
      expect({ field, present: field in r.body }).toEqual({ field, present: true });
    expect(r.body).toMatchObject({
      portalId: 12345678,
      companyCurrency: "USD",
      additionalCurrencies: [],
      accountType: "STANDARD",
    });
    fake.scopes = new Set(["crm.objects.deals.read"]);
    try {
      const refused = await hs("/account-info/v3/details");
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        category: "MISSING_SCOPES",
        errors: [{ context: { requiredGranularScopes: ["oauth"] } }],
      });
    } finally {
      fake.scopes = undefined;
    }
    // the v3 path only: the dated API versions are other paths
    expect((await hs("/account-info/v3/detail")).status).toBe(404);
  });
});

describe("auth, scopes and rate limits", () => {
  test("401 for a bad token, 403 MISSING_SCOPES naming the scope", async () => {
    const bad = await hs("/crm/v3/owners", undefined, "pat-na1-wrong");
    expect(bad.status).toBe(401);
    expect(bad.body.category).toBe("INVALID_AUTHENTICATION");
    fake.scopes = new Set(["crm.objects.deals.read"]);
    try {
      const r = await hs("/crm/v3/owners");
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({
        category: "MISSING_SCOPES",
        errors: [{ context: { requiredGranularScopes: ["crm.objects.owners.read"] } }],
      });
      expect((await hs("/crm/v3/objects/deals")).status).toBe(200);
    } finally {
      fake.scopes = undefined;
    }
  });

  test("X-HubSpot-RateLimit-* headers on answers (not on search); 429 past the window", async () => {
    const ok = await hs("/crm/v3/objects/companies");
    expect(ok.headers.get("x-hubspot-ratelimit-max")).toBe("100");
    expect(ok.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("10000");
    expect(Number(ok.headers.get("x-hubspot-ratelimit-remaining"))).toBeLessThan(100);
    expect((await search("companies", {})).headers.get("x-hubspot-ratelimit-max")).toBeNull();
    fake.rate.enforce = { max: 2, intervalMs: 60_000 };
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await hs("/crm/v3/objects/companies"));
      const last = answers[2]!;
      expect(last.status).toBe(429);
      expect(last.body).toMatchObject({
        status: "error",
        errorType: "RATE_LIMIT",
        policyName: "TEN_SECONDLY_ROLLING",
        category: "RATE_LIMITS",
      });
      expect(last.headers.get("x-hubspot-ratelimit-remaining")).toBe("0");
      expect(last.headers.get("retry-after")).toBeNull();
    } finally {
      fake.rate.enforce = undefined;
    }
    fake.rate.throttleNext(1);
    expect((await search("companies", {})).status).toBe(429);
    expect((await search("companies", {})).status).toBe(200);
  });
});
