import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeServer } from "../fakes/faults.ts";
import { runDp } from "../helpers.ts";
import { HttpProject } from "./http-project.ts";

let fake: FakeServer;
let records: Record<string, unknown>[] = [];
let project: HttpProject;

function definition(schema: "evolve" | "freeze") {
  return {
    connector: "rest",
    schema,
    config: {
      base_url: `${fake.url}/api/`,
      streams: { accounts: { path: "accounts", primary_key: "id", paginator: { type: "none" } } },
    },
  };
}

/** the wall clock, not the pinned one: drift is between real pulls */
const dp = (...args: string[]) => runDp([...args, "-C", project.dir], { env: { DP_NOW: undefined } });

beforeAll(async () => {
  fake = await FakeServer.start(() => ({ body: records }));
  project = new HttpProject("crm_api", definition("evolve"));
});

afterAll(async () => {
  await fake.close();
  project.remove();
});

describe("schema drift", () => {
  test("a changed source schema is listed by `dp sources --json` with added, removed and retyped columns", async () => {
    records = [
      { id: 1, name: "Acme", amount: 100 },
      { id: 2, name: "Globex", amount: 250 },
    ];
    expect((await project.pull()).rows).toBe(2);
    expect(project.stream("accounts")!.drift).toBeUndefined();

    records = [
      { id: 1, amount: "100.00", region: "EU" },
      { id: 2, amount: "250.00", region: "US" },
    ];
    const second = await project.pull();
    expect(second.status).toBe("ok");
    expect(second.streams[0]!.drift).toEqual({
      added: ["region"],
      removed: ["name"],
      retyped: ["amount: BIGINT → VARCHAR"],
    });

    const out = await dp("sources", "--json");
    expect(out.code).toBe(0);
    const [row] = JSON.parse(out.stdout) as {
      source: string;
      drift: { stream: string; added: string[]; removed: string[]; retyped: string[] }[];
    }[];
    expect(row!.source).toBe("crm_api");
    expect(row!.drift).toHaveLength(1);
    expect(row!.drift[0]).toMatchObject({
      stream: "accounts",
      added: ["region"],
      removed: ["name"],
      retyped: ["amount: BIGINT → VARCHAR"],
    });
    const table = await dp("sources");
    expect(table.stdout).toContain("+region −name ~amount (accounts,");
  }, 30_000);

  test("schema: freeze fails the pull with exit 1, names the columns and the fix, and lands nothing", async () => {
    project.write(definition("freeze"));
    records = [{ id: 3, amount: "9.00", region: "EU", tier: "gold" }];
    const before = await project.lake("accounts");
    const out = await dp("pull");
    expect(out.code).toBe(1);
    const text = out.stdout + out.stderr;
    expect(text).toContain("schema drift in crm_api.accounts (added tier)");
    expect(text).toContain("frozen");
    expect(text).toContain("schema: evolve");
    expect(await project.lake("accounts")).toEqual(before);
    // unchanged fields pass a frozen schema
    records = [{ id: 4, amount: "1.00", region: "US" }];
    expect((await dp("pull")).code).toBe(0);
  }, 30_000);
});
