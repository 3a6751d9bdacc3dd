/**
 * Issue #22: a founder's HubSpot source whose `streams:` leaves a stream out. `dp init acme --with
 * stripe,hubspot`, then `streams:` without `account` (an older project, or a token without the `oauth`
 * scope): the pull never asks for the account, the build reads it as an empty relation (the pack's
 * optional_sources), says so in one line, and the sales marts build with the currency fallback going to
 * vars.hubspot_company_currency, else "(unknown currency)"; `dp sources` and `dp doctor` show it. Without
 * `pipelines` (required: the stages' won/lost metadata) `dp run` and `dp build` stop with exit 2 before
 * pulling, naming the stream and the key to add it to. Through the real CLI with NO_COLOR=1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { COLUMNS } from "../../connectors/hubspot/columns.ts";
import { loadProject } from "../../engine/config/project.ts";
import { build } from "../../engine/transform/build.ts";
import { CrmBuilder, FakeHubspot } from "../fakes/hubspot.ts";
import { StripeAccount } from "../fakes/stripe-account.ts";
import { InitProject, logged, optionalSourcesOf } from "./packs.ts";

const NOW = "2026-11-21T06:00:00Z";

const ABSENT =
  'optional stream hubspot.account is absent (not in sources.hubspot.config.streams): stg_hubspot__account reads it empty; deals without deal_currency_code are in vars.hubspot_company_currency, else "(unknown currency)"';

let stripe: StripeAccount;
let hubspot: FakeHubspot;
const made: InitProject[] = [];

/** `dp init acme --with stripe,hubspot` against the fakes, its hubspot source pulling only `streams`. */
async function founderProject(streams: string[]): Promise<InitProject> {
  const project = await InitProject.init(["stripe", "hubspot"], {
    STRIPE_API_KEY: stripe.fake.apiKey,
    STRIPE_BASE_URL: stripe.fake.url,
    HUBSPOT_TOKEN: hubspot.token,
    HUBSPOT_BASE_URL: hubspot.url,
  });
  made.push(project);
  const doc = parseDocument(project.read("project.yaml"));
  doc.setIn(["sources", "hubspot", "config", "streams"], streams);
  project.write("project.yaml", doc.toString());
  return project;
}

beforeAll(async () => {
  stripe = await StripeAccount.start({ seed: "optional-streams", start: "2026-06-01T00:00:00Z" });
  const pro = stripe.price(stripe.product({ name: "Pro" }), { unitAmount: 3_000, interval: "month" });
  stripe.subscribe(stripe.customer({ name: "Acme", email: "ops@acme.example" }), [{ price: pro, quantity: 1 }]);
  stripe.at(NOW);
  hubspot = await FakeHubspot.start({});
  const crm = new CrmBuilder(hubspot);
  crm
    .at("2026-08-20T08:00:00Z")
    .owner("ana", { id: "81000001", email: "ana@acme.example", firstName: "Ana", lastName: "Silva", userId: 5100001 });
  crm
    .at("2026-09-01T10:00:00Z")
    .deal("D1", { name: "Boston", stage: "appointmentscheduled", amount: 10000, owner: "ana" });
  crm.at("2026-09-02T10:00:00Z").deal("D2", {
    name: "Nowhere",
    stage: "qualifiedtobuy",
    amount: 1000,
    owner: "ana",
    props: { deal_currency_code: null },
  });
  crm.at("2026-10-10T10:00:00Z").move("D1", "closedwon");
}, 120_000);

afterAll(async () => {
  await stripe?.close();
  await hubspot?.close();
  for (const p of made) p.remove();
});

test("the pack's optional streams declare exactly the columns and types the connector lands", async () => {
  const declared = await optionalSourcesOf("hubspot", "models/staging/hubspot/hubspot.yml");
  // deals and pipelines are required: without the stages' won/lost metadata no sales mart means anything
  expect(declared.map((d) => `${d.model} ${d.stream}`)).toEqual([
    "stg_hubspot__account account",
    "stg_hubspot__companies companies",
    "stg_hubspot__contacts contacts",
    "stg_hubspot__owners owners",
  ]);
  for (const d of declared) expect(d.columns).toEqual(COLUMNS[d.stream as keyof typeof COLUMNS]);
});

describe("hubspot streams without account (optional)", () => {
  let project: InitProject;
  beforeAll(async () => {
    project = await founderProject(["contacts", "companies", "deals", "pipelines", "owners"]);
  }, 120_000);

  test("dp run pulls without asking for the account, builds the sales marts and says the account is absent", async () => {
    const asked = hubspot.server.requests.length;
    const run = await project.dp(["run"], NOW);
    expect(run.stdout).toContain("success: run");
    // one line, not a failure
    expect(logged(run.stderr).filter((m) => m.includes("optional stream"))).toEqual([ABSENT]);
    expect(hubspot.server.requests.slice(asked).filter((r) => r.path.startsWith("/account-info"))).toEqual([]);
    expect(existsSync(join(project.dir, "lake/raw/hubspot/account"))).toBe(false);
    const deals = await project.sql(
      "SELECT deal_name, currency, currency_source, owner, is_won FROM marts.deals ORDER BY deal_name",
      NOW,
    );
    expect(deals).toEqual([
      { deal_name: "Boston", currency: "USD", currency_source: "deal_currency_code", owner: "Ana Silva", is_won: true },
      {
        deal_name: "Nowhere",
        currency: "(unknown currency)",
        currency_source: "unknown",
        owner: "Ana Silva",
        is_won: false,
      },
    ]);
    const open = await project.sql(
      "SELECT currency, sum(open_amount) AS amount FROM marts.pipeline_monthly WHERE month = DATE '2026-11-01' GROUP BY 1",
      NOW,
    );
    expect(open).toEqual([{ currency: "(unknown currency)", amount: 1000 }]);
    const won = await project.sql(
      "SELECT month, sum(deals_won) AS won FROM marts.deals_closed_monthly WHERE deals_won > 0 GROUP BY 1",
      NOW,
    );
    expect(won).toEqual([{ month: "2026-10-01", won: 1 }]);
    // the billing marts are untouched by what HubSpot lacks
    const mrr = await project.sql("SELECT mrr FROM marts.mrr_monthly WHERE month = DATE '2026-11-01'", NOW);
    expect(mrr).toEqual([{ mrr: 30 }]);
  }, 300_000);

  test("vars.hubspot_company_currency is the next step of the fallback", async () => {
    project.setVars({ hubspot_company_currency: "eur" });
    const build = await project.dp(["build"], NOW);
    expect(logged(build.stderr)).toContain(ABSENT);
    expect(
      await project.sql("SELECT currency, currency_source FROM marts.deals WHERE deal_name = 'Nowhere'", NOW),
    ).toEqual([{ currency: "EUR", currency_source: "vars.hubspot_company_currency" }]);
  }, 300_000);

  test("dp sources shows the absent stream and how to pull it", async () => {
    const text = await project.dp(["sources"], NOW);
    expect(text.stdout).toContain(
      `! ${ABSENT}\n    fix: add account to sources.hubspot.config.streams in project.yaml`,
    );
    const json = JSON.parse((await project.dp(["sources", "--json"], NOW)).stdout) as {
      source: string;
      absent_streams: Record<string, unknown>[];
    }[];
    expect(json.find((s) => s.source === "stripe")!.absent_streams).toEqual([]);
    expect(json.find((s) => s.source === "hubspot")!.absent_streams).toEqual([
      {
        stream: "account",
        optional: true,
        models: ["stg_hubspot__account"],
        pulled: false,
        why: "not in sources.hubspot.config.streams",
        when_absent: 'deals without deal_currency_code are in vars.hubspot_company_currency, else "(unknown currency)"',
        fix: "add account to sources.hubspot.config.streams in project.yaml",
      },
    ]);
  }, 120_000);

  test("dp doctor warns about it, and still exits 0", async () => {
    const r = await project.dp(["doctor", "--json"], NOW, null);
    const report = JSON.parse(r.stdout) as {
      exit_code: number;
      checks: { name: string; status: string; detail?: string; fix?: string }[];
    };
    expect({ code: r.code, exit_code: report.exit_code }).toEqual({ code: 0, exit_code: 0 });
    expect(report.checks.find((c) => c.name === "stream hubspot.account")).toEqual({
      name: "stream hubspot.account",
      status: "warn",
      detail: ABSENT,
      fix: "add account to sources.hubspot.config.streams in project.yaml",
    });
    expect(report.checks.filter((c) => c.name.startsWith("stream "))).toHaveLength(1);
  }, 120_000);
});

describe("hubspot streams without pipelines (required)", () => {
  let project: InitProject;
  beforeAll(async () => {
    project = await founderProject(["contacts", "companies", "deals", "owners", "account"]);
  }, 120_000);

  const MESSAGE =
    "error[CONFIG]: stream hubspot.pipelines is not pulled (not in sources.hubspot.config.streams), and stg_hubspot__pipeline_stages, stg_hubspot__pipelines need it";

  test("dp run stops with exit 2 before pulling anything, naming the stream and the key to add it to", async () => {
    const asked = hubspot.server.requests.length;
    const run = await project.dp(["run"], NOW, 2);
    expect(run.stderr).toContain(MESSAGE);
    expect(run.stderr).toMatch(/\n {2}at project\.yaml:\d+ \(sources\.hubspot\.config\.streams\)\n/);
    expect(run.stderr).toContain(
      "fix: add pipelines to sources.hubspot.config.streams in project.yaml, then run `dp pull hubspot`",
    );
    expect(hubspot.server.requests.length).toBe(asked);
    expect(existsSync(join(project.dir, "lake/raw/hubspot"))).toBe(false);
  }, 300_000);

  test("dp build and dp doctor say the same, exit 2", async () => {
    const build = await project.dp(["build"], NOW, 2);
    expect(build.stderr).toContain(MESSAGE);
    const doctor = await project.dp(["doctor"], NOW, 2);
    expect(doctor.stdout + doctor.stderr).toContain("stream hubspot.pipelines");
  }, 300_000);

  test("adding the stream back: the run pulls it and the sales marts build", async () => {
    const doc = parseDocument(project.read("project.yaml"));
    doc.setIn(
      ["sources", "hubspot", "config", "streams"],
      ["contacts", "companies", "deals", "pipelines", "owners", "account"],
    );
    project.write("project.yaml", doc.toString());
    const run = await project.dp(["run"], NOW);
    expect(run.stderr).not.toContain("optional stream");
    expect(await project.sql("SELECT count(*) AS n FROM marts.deals WHERE is_won", NOW)).toEqual([{ n: 1 }]);
  }, 300_000);
});

describe("hubspot streams: deals and pipelines only", () => {
  test("every optional stream is said once, and the marts build on what is present", async () => {
    const project = await founderProject(["deals", "pipelines"]);
    const run = await project.dp(["run"], NOW);
    expect(run.stdout).toContain("success: run");
    expect(
      logged(run.stderr)
        .filter((m) => m.startsWith("optional stream"))
        .map((m) => m.split(" is absent")[0]),
    ).toEqual([
      "optional stream hubspot.account",
      "optional stream hubspot.companies",
      "optional stream hubspot.contacts",
      "optional stream hubspot.owners",
    ]);
    expect(logged(run.stderr)).toContain(
      'optional stream hubspot.owners is absent (not in sources.hubspot.config.streams): stg_hubspot__owners reads it empty; deals and the open pipeline name each owner "owner <id>" instead of the owner\'s name',
    );
    expect(
      await project.sql("SELECT deal_name, owner, company_name, currency FROM marts.deals ORDER BY deal_name", NOW),
    ).toEqual([
      { deal_name: "Boston", owner: "owner 81000001", company_name: null, currency: "USD" },
      { deal_name: "Nowhere", owner: "owner 81000001", company_name: null, currency: "(unknown currency)" },
    ]);
    // the Stripe customer stays visible, matched to no company
    expect(await project.sql("SELECT match_method FROM marts.customer_matches", NOW)).toEqual([
      { match_method: "no_match" },
    ]);
  }, 300_000);
});

describe("a stream dropped from streams after it landed", () => {
  let project: InitProject;
  const ALL = ["contacts", "companies", "deals", "pipelines", "owners", "account"];
  const setStreams = (streams: string[]) => {
    const doc = parseDocument(project.read("project.yaml"));
    doc.setIn(["sources", "hubspot", "config", "streams"], streams);
    project.write("project.yaml", doc.toString());
  };
  const nowhere = () =>
    project.sql("SELECT currency, currency_source FROM marts.deals WHERE deal_name = 'Nowhere'", NOW);
  beforeAll(async () => {
    project = await founderProject(ALL);
    await project.dp(["run"], NOW);
  }, 300_000);

  test("an optional one is read as its empty relation, said in one line; its files stay, and adding it back reads them again", async () => {
    expect(await nowhere()).toEqual([{ currency: "USD", currency_source: "hubspot account company currency" }]);
    setStreams(ALL.filter((s) => s !== "account"));
    const build = await project.dp(["build"], NOW);
    expect(logged(build.stderr).filter((m) => m.includes("optional stream"))).toEqual([ABSENT]);
    expect(await nowhere()).toEqual([{ currency: "(unknown currency)", currency_source: "unknown" }]);
    // the landed files are data: never deleted
    expect(existsSync(join(project.dir, "lake/raw/hubspot/account"))).toBe(true);
    setStreams(ALL);
    const again = await project.dp(["build"], NOW);
    expect(again.stderr).not.toContain("optional stream");
    expect(await nowhere()).toEqual([{ currency: "USD", currency_source: "hubspot account company currency" }]);
  }, 300_000);

  test("a required one is the exit-2 config error naming the key to add, its files kept", async () => {
    setStreams(ALL.filter((s) => s !== "pipelines"));
    const build = await project.dp(["build"], NOW, 2);
    expect(build.stderr).toContain(
      "error[CONFIG]: stream hubspot.pipelines is not pulled (not in sources.hubspot.config.streams), and stg_hubspot__pipeline_stages, stg_hubspot__pipelines need it",
    );
    expect(build.stderr).toContain("fix: add pipelines to sources.hubspot.config.streams in project.yaml");
    expect(existsSync(join(project.dir, "lake/raw/hubspot/pipelines"))).toBe(true);
    setStreams(ALL);
    await project.dp(["build"], NOW);
  }, 300_000);

  test("when the source's config cannot be read (its secret unset), the landed files are read as before", async () => {
    setStreams(ALL.filter((s) => s !== "account"));
    const env = project.read(".env");
    const saved = { ...process.env };
    project.write(".env", "");
    try {
      // dp build refuses an unset secret; the build API with requireEnv off is where this happens
      for (const k of ["HUBSPOT_TOKEN", "HUBSPOT_BASE_URL", "STRIPE_API_KEY", "STRIPE_BASE_URL"]) delete process.env[k];
      const result = await build(loadProject(project.dir, { requireEnv: false }));
      expect(result.ok).toBe(true);
      expect(result.absentStreams).toEqual([]);
    } finally {
      project.write(".env", env);
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(await nowhere()).toEqual([{ currency: "USD", currency_source: "hubspot account company currency" }]);
    setStreams(ALL);
  }, 300_000);
});
