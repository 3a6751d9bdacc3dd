import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { FakeHubspot } from "../fakes/hubspot.ts";
import { HttpProject, waitFor } from "./http-project.ts";

let fake: FakeHubspot;
let project: HttpProject;

function source(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    connector: "hubspot",
    ...extra,
    config: { access_token: "${HUBSPOT_TOKEN}", base_url: fake.url, streams: ["contacts"], ...config },
  };
}

beforeEach(async () => {
  fake = await FakeHubspot.start({ contacts: 250 });
  process.env.HUBSPOT_TOKEN = fake.token;
  project = new HttpProject("crm", source());
});

afterEach(async () => {
  await fake.close();
  project.remove();
});

const lastModified = () => new Date(fake.clockMs).toISOString();
const searches = () => fake.server.answered(/\/search$/);

describe("hubspot", () => {
  test("first pull lists every page (paging.next.after); properties land as one JSON object", async () => {
    project.write(source({ properties: { contacts: ["lifecyclestage", "phone"] } }));
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(r.rows).toBe(250);
    expect(
      await project.lake("contacts", "id", "count(*) FILTER (WHERE properties->>'lifecyclestage' = 'customer')"),
    ).toMatchObject({ rows: 250, distinct: 250, extra: 83 });
    const reqs = fake.server.answered("/crm/v3/objects/contacts");
    // three live pages, then the deleted ones (none)
    expect(reqs.map((q) => q.query.get("archived"))).toEqual(["false", "false", "false", "true"]);
    expect(reqs[0]!.headers.authorization).toBe(`Bearer ${fake.token}`);
    // the pack's properties and the config's that the portal defines ("jobtitle", "phone": not in the fake), the cursor's
    expect(reqs[0]!.query.get("properties")).toBe(
      "email,firstname,lastname,company,lifecyclestage,hubspot_owner_id,associatedcompanyid,createdate,lastmodifieddate",
    );
    expect(reqs[1]!.query.get("after")).toBe("1101");
    expect(project.stream("contacts")?.state).toEqual({ cursor: lastModified() });
  });

  test("incremental: search on lastmodifieddate >= cursor, ascending; only new and updated records", async () => {
    await project.pull();
    const cursor = project.stream("contacts")!.state!.cursor as string;
    fake.update("contacts", "1005", { lifecyclestage: "customer" });
    fake.update("contacts", "1100", { email: "new@example.com" });
    fake.add("contacts", 5);
    const r = await project.pull();
    expect(r.status).toBe("ok");
    // 2 updated and 5 new land; the record at the cursor itself is re-read (GTE), as the lake holds it
    expect(r.rows).toBe(7);
    expect(r.streams[0]!.unchanged).toBe(1);
    const body = searches()[0]!.body;
    expect(body.filterGroups).toEqual([
      { filters: [{ propertyName: "lastmodifieddate", operator: "GTE", value: String(Date.parse(cursor)) }] },
    ]);
    expect(body.sorts).toEqual([{ propertyName: "lastmodifieddate", direction: "ASCENDING" }]);
    expect(await project.lake("contacts")).toMatchObject({ rows: 257, distinct: 255 });
    expect(project.stream("contacts")?.state).toEqual({ cursor: lastModified() });
  });

  test("companies and deals use hs_lastmodifieddate", async () => {
    fake.add("deals", 20);
    project.write(source({ streams: ["deals"] }));
    await project.pull();
    fake.add("deals", 3);
    // the 3 new; the one at the cursor, read again, is unchanged
    expect((await project.pull()).rows).toBe(3);
    expect(searches()[0]!.body.filterGroups[0].filters[0].propertyName).toBe("hs_lastmodifieddate");
  });

  test("search past the 10k cap re-anchors on the last timestamp instead of failing", async () => {
    fake.searchCap = 60;
    project.write(source({ search_cap: 60, search_page_size: 20 }));
    await project.pull();
    fake.add("contacts", 150);
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("contacts")).toMatchObject({ distinct: 400 });
    const anchors = new Set(searches().map((q) => q.body.filterGroups[0].filters[0].value));
    expect(anchors.size).toBeGreaterThan(1);
    expect(searches().every((q) => Number(q.body.after ?? 0) < 60)).toBe(true);
    expect(project.stream("contacts")?.state).toEqual({ cursor: lastModified() });
  });

  test("429 (Retry-After: 0), 500 then success, reset, truncated body: all retried to the exact count", async () => {
    fake.server
      .fail(
        {
          kind: "status",
          status: 429,
          retryAfter: "0",
          body: { status: "error", message: "You have reached your secondly limit.", category: "RATE_LIMITS" },
        },
        { after: 1 },
      )
      .fail({ kind: "status", status: 500 }, { after: 1 })
      .fail({ kind: "reset" }, { after: 2 })
      .fail({ kind: "truncate" }, { after: 2 });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("contacts")).toMatchObject({ rows: 250, distinct: 250 });
    // property definitions, then three live pages (the faults land on the first two), then the deleted ones
    expect(fake.server.requests.map((q) => q.fault ?? "ok")).toEqual([
      "ok",
      "status",
      "status",
      "ok",
      "reset",
      "truncate",
      "ok",
      "ok",
      "ok",
    ]);
  });

  test("faults during an incremental search are retried too", async () => {
    await project.pull();
    fake.add("contacts", 10);
    fake.server.fail({ kind: "status", status: 503 }, { path: /search$/ }).fail({ kind: "reset" }, { path: /search$/ });
    const r = await project.pull();
    expect(r.status).toBe("ok");
    expect(await project.lake("contacts")).toMatchObject({ distinct: 260 });
  });

  test("401 fails at once and names HUBSPOT_TOKEN", async () => {
    process.env.HUBSPOT_TOKEN = "pat-na1-revoked";
    const r = await project.pull();
    expect(r.error?.code).toBe("SOURCE_AUTH");
    expect(r.error?.message).toContain("HUBSPOT_TOKEN");
    expect(r.error?.message).toContain("Authentication credentials not found");
    expect(r.error?.message).not.toContain("pat-na1-revoked");
    expect(fake.server.requests.length).toBe(1);
  });

  test("kill -9 during an incremental search, then rerun: cursor never ahead of durable data", async () => {
    await project.pull();
    fake.add("contacts", 600);
    fake.server.delayMs = 100;
    const child = project.spawnPull(200);
    const before = project.parquetFiles("contacts").length;
    await waitFor("two durable search files", () => project.parquetFiles("contacts").length >= before + 2);
    child.kill(9);
    await child.exited;
    const cursor = Date.parse(project.stream("contacts")!.state!.cursor as string);
    const durableMax = (
      await project.lake("contacts", "id", "max(epoch_ms(CAST(properties->>'lastmodifieddate' AS TIMESTAMPTZ)))")
    ).extra as number;
    expect(cursor).toBeLessThanOrEqual(durableMax);
    expect(cursor).toBeGreaterThan(Date.parse("2025-10-01T00:04:10Z")); // moved past the first pull: per-page commits
    fake.server.delayMs = 0;
    expect((await project.pull()).status).toBe("ok");
    expect((await project.lake("contacts")).distinct).toBe(850);
    expect(project.stream("contacts")?.state).toEqual({ cursor: lastModified() });
  }, 20_000);
});
