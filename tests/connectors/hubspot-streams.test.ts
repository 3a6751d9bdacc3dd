import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { COLUMNS } from "../../connectors/hubspot/columns.ts";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { CrmBuilder, FakeHubspot } from "../fakes/hubspot.ts";
import * as dev from "../fixtures/hubspot/dev/index.ts";
import { HttpProject } from "./http-project.ts";

/**
 * What the HubSpot connector lands for the model pack: the properties it needs, deal history and
 * companies, deleted records, pipelines and owners, in pinned column types. Pulls run in process
 * against the fake HubSpot (the pack's end-to-end test runs the CLI: hubspot-pack.test.ts).
 */
let fake: FakeHubspot;
let crm: CrmBuilder;
let project: HttpProject;

function source(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    connector: "hubspot",
    ...extra,
    config: { access_token: "${HUBSPOT_TOKEN}", base_url: fake.url, ...config },
  };
}

beforeEach(async () => {
  fake = await FakeHubspot.start({});
  crm = new CrmBuilder(fake);
  process.env.HUBSPOT_TOKEN = fake.token;
  project = new HttpProject("hubspot", source());
});

afterEach(async () => {
  await fake.close();
  project.remove();
});

/** Rows of one stream's raw Parquet files. */
async function lakeRows(stream: string, select: string, where = "true"): Promise<Record<string, unknown>[]> {
  const db = await Db.open(":memory:");
  try {
    return await db.all(
      `SELECT ${select} FROM read_parquet('${project.dir}/lake/raw/hubspot/${stream}/*/*.parquet', union_by_name = true) WHERE ${where}`,
    );
  } finally {
    db.close();
  }
}

const lists = (type: string, archived: "true" | "false") =>
  fake.server.answered(`/crm/v3/objects/${type}`).filter((q) => q.query.get("archived") === archived);

describe("hubspot streams for the pack", () => {
  test("every stream lands exactly its pinned columns and DuckDB types, first pull and incremental alike", async () => {
    dev.scenario.first(crm);
    expect((await project.pull()).status).toBe("ok");
    const db = await Db.open(":memory:");
    const landed: Record<string, Record<string, string>> = {};
    try {
      for (const stream of Object.keys(COLUMNS)) {
        const file = project.parquetFiles(stream)[0]!;
        const cols = await db.describe(
          `SELECT * FROM read_parquet('${project.dir}/lake/raw/hubspot/${stream}/${file}', hive_partitioning = false)`,
        );
        landed[stream] = Object.fromEntries(cols.map((c) => [c.name, c.type]));
      }
    } finally {
      db.close();
    }
    const duck = (t: string) => (t === "TIMESTAMPTZ" ? "TIMESTAMP WITH TIME ZONE" : t);
    for (const [stream, cols] of Object.entries(COLUMNS)) {
      expect({ stream, cols: landed[stream] }).toEqual({
        stream,
        cols: {
          ...Object.fromEntries(Object.entries(cols).map(([k, t]) => [k, duck(t)])),
          _dp_run_id: "VARCHAR",
          _dp_loaded_at: "TIMESTAMP WITH TIME ZONE",
        },
      });
    }
    // a small incremental batch whose close date is null on every record: same types, no drift
    crm.at("2026-11-21T06:30:00Z").deal("new", { name: "No close date", stage: "appointmentscheduled", amount: 100 });
    expect((await project.pull()).status).toBe("ok");
    expect(project.stream("deals")?.drift).toBeUndefined();
    expect(project.stream("deals")?.last_rows).toBeGreaterThan(0);
  });

  test("properties: the pack's, custom ones from the properties endpoint (stripe_customer_id), stage dates; unknown names dropped", async () => {
    dev.scenario.first(crm);
    project.write(source({ properties: { deals: ["hs_forecast_amount"] } }));
    expect((await project.pull()).status).toBe("ok");
    const asked = (type: string) => lists(type, "false")[0]!.query.get("properties")!.split(",");
    expect(asked("companies")).toEqual(
      expect.arrayContaining(["name", "domain", "hubspot_owner_id", "stripe_customer_id"]),
    );
    expect(asked("deals")).toEqual(
      expect.arrayContaining(["amount", "closedate", "hubspot_owner_id", "pipeline", "hs_date_entered_2784523"]),
    );
    expect(asked("deals")).not.toContain("hs_forecast_amount");
    expect(asked("deals")).not.toContain("website");
    const acme = await lakeRows("companies", "properties->>'stripe_customer_id' AS s", "id = '315000101'");
    expect(acme).toEqual([{ s: "cus_Dv01Acme" }]);
  });

  test("without the schema scope (403) the pull goes on with the pack's properties; custom_properties: false asks for none", async () => {
    dev.scenario.first(crm);
    fake.scopes = new Set(["crm.objects.contacts.read", "crm.objects.companies.read", "crm.objects.deals.read"]);
    project.write(source({ streams: ["companies"] }));
    expect((await project.pull()).status).toBe("ok");
    expect(lists("companies", "false")[0]!.query.get("properties")).toBe(
      "name,domain,website,industry,country,city,numberofemployees,annualrevenue,lifecyclestage,hubspot_owner_id,createdate,hs_lastmodifieddate",
    );
    fake.scopes = undefined;
    project.write(source({ streams: ["companies"], custom_properties: false }));
    expect((await project.pull({ fullRefresh: true })).status).toBe("ok");
    expect(lists("companies", "false").at(-1)!.query.get("properties")).not.toContain("stripe_customer_id");
  });

  test("deals: 50 a page with the history of stage, pipeline, amount, close date and owner, and their companies", async () => {
    dev.scenario.first(crm);
    fake.add("deals", 60);
    expect((await project.pull()).status).toBe("ok");
    const pages = lists("deals", "false");
    expect(pages.length).toBe(2);
    expect(pages[0]!.query.get("limit")).toBe("50");
    expect(pages[0]!.query.get("propertiesWithHistory")).toBe("dealstage,pipeline,amount,closedate,hubspot_owner_id");
    expect(pages[0]!.query.get("associations")).toBe("companies");
    const k01 = await lakeRows(
      "deals",
      "json_array_length(propertiesWithHistory->'dealstage') AS stages, propertiesWithHistory->'amount'->0->>'value' AS amount, associations->'companies'->'results'->0->>'id' AS company",
      `id = '${crm.id("K01")}'`,
    );
    // appointment → qualified → presentation → won; 12,000 → 15,000 (newest first); Acme
    expect(k01).toEqual([{ stages: 4, amount: "15000", company: "315000101" }]);
    expect((await lakeRows("deals", "count(DISTINCT id) AS n", "NOT archived"))[0]!.n).toBe(79);
  });

  test("incremental: search finds the changed deals, each is read again with its history; past reread_limit all are listed", async () => {
    dev.scenario.first(crm);
    await project.pull();
    crm.at("2026-11-21T06:10:00Z").amount("K19", 6600).move("K16", "closedlost");
    expect((await project.pull()).status).toBe("ok");
    const reread = fake.server.answered(/^\/crm\/v3\/objects\/deals\/\d+$/).map((q) => q.path.split("/").at(-1));
    expect(reread).toEqual(expect.arrayContaining([crm.id("K19"), crm.id("K16")]));
    const history = await lakeRows(
      "deals",
      "propertiesWithHistory->'amount' AS h",
      `id = '${crm.id("K19")}' ORDER BY _dp_loaded_at DESC, updatedAt DESC LIMIT 1`,
    );
    expect(JSON.parse(history[0]!.h as string).map((e: { value: string }) => e.value)).toEqual(["6600", "6000"]);
    // three changes with reread_limit 2: one listing with history instead of three reads
    project.write(source({ reread_limit: 2 }));
    const before = fake.server.requests.length;
    crm.at("2026-11-21T07:10:00Z").amount("K17", 9500).amount("K20", 1000).amount("K10", 4500);
    expect((await project.pull()).status).toBe("ok");
    const since = fake.server.requests.slice(before);
    expect(since.filter((q) => /^\/crm\/v3\/objects\/deals\/\d+$/.test(q.path))).toEqual([]);
    expect(since.filter((q) => q.path === "/crm/v3/objects/deals" && q.query.get("archived") === "false").length).toBe(
      1,
    );
    expect(
      await lakeRows(
        "deals",
        "properties->>'amount' AS a",
        `id = '${crm.id("K20")}' AND _dp_loaded_at = (SELECT max(_dp_loaded_at) FROM read_parquet('${project.dir}/lake/raw/hubspot/deals/*/*.parquet'))`,
      ),
    ).toEqual([{ a: "1000" }]);
  });

  test("a deal deleted between search and its re-read (404) is skipped; the rest land", async () => {
    dev.scenario.first(crm);
    await project.pull();
    crm.at("2026-11-21T06:10:00Z").amount("K19", 6600).amount("K17", 9100);
    fake.server.fail(
      { kind: "status", status: 404, body: { status: "error", category: "OBJECT_NOT_FOUND" } },
      {
        path: `/crm/v3/objects/deals/${crm.id("K19")}`,
      },
    );
    const r = await project.pull();
    expect(r.status).toBe("ok");
    const landed = await lakeRows("deals", "DISTINCT properties->>'amount' AS a", `id = '${crm.id("K17")}'`);
    expect(landed.map((x) => x.a)).toContain("9100");
  });

  test("deleted records: invisible to search, listed with archived=true every pull and landed with archivedAt", async () => {
    dev.scenario.first(crm);
    await project.pull();
    // K09 was deleted before the first pull
    expect(await lakeRows("deals", "archived", `id = '${crm.id("K09")}'`)).toEqual([{ archived: true }]);
    crm.at("2026-11-21T06:40:00Z").archive("K13");
    expect((await project.pull()).status).toBe("ok");
    const search = fake.server.answered("/crm/v3/objects/deals/search").at(-1)!;
    expect(search.body.filterGroups[0].filters[0].propertyName).toBe("hs_lastmodifieddate");
    const k13 = await lakeRows(
      "deals",
      "archived, strftime(archivedAt, '%Y-%m-%dT%H:%M:%SZ') AS at",
      `id = '${crm.id("K13")}' ORDER BY _dp_loaded_at`,
    );
    expect(k13.at(-1)).toEqual({ archived: true, at: "2026-11-21T06:40:00Z" });
    expect(lists("deals", "true").length).toBe(2);
    project.write(source({ archived: false }));
    await project.pull();
    expect(lists("deals", "true").length).toBe(2);
  });

  test("search lags writes: with the pack's lookback a write indexed after a later one is still caught", async () => {
    dev.scenario.first(crm);
    project.write(source({ streams: ["deals"] }, { lookback: "15m" }));
    await project.pull();
    fake.crm.searchIndexing = "deferred";
    crm.at("2026-11-21T06:10:00Z").amount("K19", 6600);
    crm.at("2026-11-21T06:10:05Z").amount("K17", 9100);
    // search has indexed the later write only
    const k17 = fake.crm.get("deals", crm.id("K17"));
    k17.indexed = { ...k17.properties };
    await project.pull();
    expect(project.stream("deals")?.state?.cursor).toBe("2026-11-21T06:10:05.000Z");
    fake.crm.indexSearch();
    await project.pull();
    const k19 = await lakeRows("deals", "DISTINCT properties->>'amount' AS a", `id = '${crm.id("K19")}'`);
    expect(k19.map((x) => x.a)).toContain("6600");
  });

  test("pipelines with their stages' metadata; owners, those who left (archived) included", async () => {
    dev.scenario.first(crm);
    project.write(source({ streams: ["pipelines", "owners"] }));
    expect((await project.pull()).status).toBe("ok");
    const pipelines = await lakeRows(
      "pipelines",
      `id, label, json_array_length(stages) AS n,
       (SELECT list(json_extract_string(s.value, '$.id')) FROM json_each(stages) s
        WHERE json_extract_string(s.value, '$.metadata.isClosed') = 'true'
          AND json_extract_string(s.value, '$.metadata.probability') = '1.0') AS won`,
      "true ORDER BY displayOrder",
    );
    expect(pipelines).toEqual([
      { id: "default", label: "Sales Pipeline", n: 7, won: ["closedwon"] },
      { id: "2784519", label: "Partner Channel", n: 5, won: ["2784523"] },
    ]);
    const owners = await lakeRows("owners", "id, firstName, archived, userId", "true ORDER BY id");
    expect(owners).toEqual([
      { id: "81000001", firstName: "Ana", archived: false, userId: 5100001 },
      { id: "81000002", firstName: "Ben", archived: false, userId: 5100002 },
      { id: "81000003", firstName: "Chloe", archived: false, userId: 5100003 },
      { id: "81000004", firstName: "Dan", archived: true, userId: null },
    ]);
    expect(fake.server.answered("/crm/v3/owners").map((q) => q.query.get("archived"))).toEqual(["false", "true"]);
  });

  test("account: one row from /account-info/v3/details, the spec's fields only, landed again only when it changes", async () => {
    fake.account = {
      ...fake.account,
      companyCurrency: "EUR",
      additionalCurrencies: ["USD", "GBP"],
      timeZone: "Europe/Berlin",
    };
    project.write(source({ streams: ["account"] }));
    expect((await project.pull()).status).toBe("ok");
    expect((await project.pull()).status).toBe("ok");
    const rows = await lakeRows(
      "account",
      "portalId, timeZone, companyCurrency, additionalCurrencies::VARCHAR AS more, uiDomain",
      "true ORDER BY _dp_loaded_at",
    );
    const row = {
      portalId: 12345678,
      timeZone: "Europe/Berlin",
      companyCurrency: "EUR",
      more: '["USD","GBP"]',
      uiDomain: "app.hubspot.com",
    };
    // the second pull read the same account: nothing new landed
    expect(rows).toEqual([row]);
    // portalName and createdAt are in HubSpot's example, not its schema: not landed (the demo could not match them)
    const db = await Db.open(":memory:");
    try {
      const file = `${project.dir}/lake/raw/hubspot/account/${project.parquetFiles("account")[0]}`;
      const cols = (await db.describe(`SELECT * FROM read_parquet('${file}', hive_partitioning = false)`)).map(
        (c) => c.name,
      );
      expect(cols).not.toContain("portalName");
      expect(cols).not.toContain("createdAt");
    } finally {
      db.close();
    }
    expect(fake.server.answered("/account-info/v3/details").length).toBe(2);
  });

  test("account without the oauth scope (403): the pull succeeds, lands nothing for it and says which scope to add", async () => {
    dev.scenario.first(crm);
    fake.scopes = new Set(["crm.objects.deals.read", "crm.schemas.deals.read", "crm.objects.owners.read"]);
    project.write(source({ streams: ["deals", "owners", "account"] }));
    const lines: string[] = [];
    const spy = spyOn(process.stderr, "write").mockImplementation(
      (chunk: unknown) => (lines.push(String(chunk)), true),
    );
    let result: Awaited<ReturnType<HttpProject["pull"]>>;
    try {
      result = await project.pull();
    } finally {
      spy.mockRestore();
    }
    expect(result.status).toBe("ok");
    expect(project.parquetFiles("account")).toEqual([]);
    expect(project.parquetFiles("deals").length).toBeGreaterThan(0);
    // an empty stream that succeeded: models read it as an empty table of its columns
    expect(project.stream("account")?.last_success_at).toBeDefined();
    const warning = lines.find((l) => l.includes("/account-info/v3/details"));
    expect(warning).toContain("(403)");
    expect(warning).toContain("Add the `oauth` scope");
    expect(warning).toContain("vars.hubspot_company_currency");
    // granted later: the next pull lands it
    fake.scopes = undefined;
    expect((await project.pull()).status).toBe("ok");
    expect(await lakeRows("account", "companyCurrency")).toEqual([{ companyCurrency: "USD" }]);
  });

  test("account: a server without the endpoint (404) or a body without portalId lands nothing and the pull goes on", async () => {
    project.write(source({ streams: ["account"] }));
    fake.server.fail({ kind: "status", status: 404 }, { path: /account-info/ });
    expect((await project.pull()).status).toBe("ok");
    expect(project.parquetFiles("account")).toEqual([]);
    fake.account = { ...fake.account, portalId: undefined as unknown as number };
    expect((await project.pull()).status).toBe("ok");
    expect(project.parquetFiles("account")).toEqual([]);
  });
});
