import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toRecords } from "../../connectors/sheets.ts";
import { FakeGoogle } from "../fakes/google.ts";
import { HttpProject } from "./http-project.ts";

let g: FakeGoogle;
let keyDir: string;
const projects: HttpProject[] = [];

beforeAll(async () => {
  g = await FakeGoogle.start();
  keyDir = mkdtempSync(join(tmpdir(), "dp-sheets-key-"));
  process.env.GOOGLE_APPLICATION_CREDENTIALS = g.writeKeyFile(keyDir);
  process.env.DP_TEST_SHEETS_SA = readFileSync(process.env.GOOGLE_APPLICATION_CREDENTIALS, "utf8");
  g.addSpreadsheet("ss_1", [
    {
      title: "Deals",
      rows: [
        ["id", "Customer Name", "amount", "", "amount"],
        [1, "Acme", 1200.5, "x", 1],
        [],
        [2, "Globex", "", "", 2],
        [3, "Initech", 300],
      ],
    },
  ]);
});

afterAll(async () => {
  await g.close();
  rmSync(keyDir, { recursive: true, force: true });
  for (const p of projects) p.remove();
});

function project(config: Record<string, unknown> = {}): HttpProject {
  const p = new HttpProject("crm_sheet", {
    connector: "sheets",
    config: {
      spreadsheet_id: "ss_1",
      streams: { deals: { range: "Deals!A1:E" } },
      token_url: g.tokenUrl,
      base_url: g.sheetsBaseUrl,
      ...config,
    },
  });
  projects.push(p);
  return p;
}

describe("sheets source", () => {
  test("rows land with header names; blank rows skipped; _row is the sheet's row number", async () => {
    const p = project();
    const r = await p.pull();
    expect(r.error?.message).toBeUndefined();
    expect(r.rows).toBe(3);
    expect(g.tokenErrors).toEqual([]);
    const token = g.server.requests.find((q) => q.path === "/token")!;
    expect(new URLSearchParams(token.body as string).get("grant_type")).toBe(
      "urn:ietf:params:oauth:grant-type:jwt-bearer",
    );
    const rows = await new (await import("./ingest-helpers.ts")).TempProject("unused").query(
      `SELECT _row, id, "Customer Name" AS name, amount, column_4, amount_2 FROM read_parquet('${p.dir}/lake/raw/crm_sheet/deals/*/*.parquet') ORDER BY _row`,
    );
    expect(rows).toEqual([
      { _row: 2, id: 1, name: "Acme", amount: 1200.5, column_4: "x", amount_2: 1 },
      { _row: 4, id: 2, name: "Globex", amount: null, column_4: null, amount_2: 2 },
      { _row: 5, id: 3, name: "Initech", amount: 300, column_4: null, amount_2: null },
    ]);
  });

  test("a 401 from the Sheets API is SOURCE_AUTH naming the env var that holds the key", async () => {
    g.server.fail({ kind: "status", status: 401 }, { path: /^\/v4\//, times: 1 });
    const r = await project().pull();
    expect(r.status).toBe("failed");
    expect(r.error!.code).toBe("SOURCE_AUTH");
    expect(r.error!.message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
    expect(r.error!.fix).toContain("share the spreadsheet");
    g.server.fail({ kind: "status", status: 403 }, { path: /^\/v4\//, times: 1 });
    const inline = await project({ credentials_env: "DP_TEST_SHEETS_SA" }).pull();
    expect(inline.error!.code).toBe("SOURCE_AUTH");
    expect(inline.error!.message).toContain("DP_TEST_SHEETS_SA");
    expect(inline.error!.message).not.toContain("PRIVATE KEY");
  });

  test("a refused token exchange is SOURCE_AUTH too; a missing key names the variable", async () => {
    g.server.fail(
      { kind: "status", status: 400, body: { error: "invalid_grant", error_description: "Invalid JWT Signature." } },
      { path: "/token", times: 1 },
    );
    const r = await project().pull();
    expect(r.error!.code).toBe("SOURCE_AUTH");
    expect(r.error!.message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
    const missing = await project({ credentials_env: "DP_TEST_SHEETS_NOT_SET" }).pull();
    expect(missing.error!.code).toBe("ENV_MISSING");
    expect(missing.error!.message).toContain("DP_TEST_SHEETS_NOT_SET");
  });

  test("429 then success: retried, rows landed once", async () => {
    const before = g.server.requests.length;
    g.server.fail({ kind: "status", status: 429, retryAfter: "0" }, { path: /^\/v4\//, times: 2 });
    const p = project();
    const r = await p.pull();
    expect(r.status).toBe("ok");
    expect(r.rows).toBe(3);
    const calls = g.server.requests.slice(before).filter((q) => q.path.startsWith("/v4/"));
    expect(calls.map((q) => q.fault ?? "ok")).toEqual(["status", "status", "ok"]);
    expect((await p.lake("deals", "_row")).rows).toBe(3);
  });

  test("header handling: blanks, repeats, trailing cells missing", () => {
    expect(toRecords([["a", " ", "a"], ["1"]], 3)).toEqual([{ _row: 4, a: "1", column_2: null, a_2: null }]);
    expect(toRecords([])).toEqual([]);
  });
});
