import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addPack, type ModelPack, packFromFiles, renameSource } from "../../../engine/config/pack.ts";
import { writeProject } from "../../helpers.ts";

const PROJECT = `# acme's project: comments and layout survive dp add
name: acme
sources:
  app_db:  # the product database
    connector: postgres
    config: { url: "\${PG_URL}", streams: [{ name: accounts, table: public.accounts, primary_key: id }] }
ai: { model: claude-haiku-4-5 }
`;

const pack = (version = 1): ModelPack => ({
  name: "stripe",
  connector: "stripe",
  description: "test pack",
  source: 'connector: stripe\nowner: you@example.com\nconfig: { api_key: "${STRIPE_API_KEY}" }\n',
  files: {
    "models/staging/stripe/stg_stripe__customers.sql": `select id, email from {{ source('stripe', 'customers') }} -- v${version}\n`,
    "models/staging/stripe/stripe.yml": `models:\n  - name: stg_stripe__customers # v${version}\n`,
  },
});

describe("dp add writes a pack as files the user owns", () => {
  test("first add: the source block joins project.yaml with its comments kept; every file is added with a header", () => {
    const dir = writeProject({ "project.yaml": PROJECT });
    const r = addPack(dir, pack());
    expect(r.source).toEqual({ name: "stripe", status: "added" });
    expect(r.files.map((f) => f.status)).toEqual(["added", "added"]);
    // every line the user wrote stays byte for byte; the block goes at the end of sources
    const block =
      '  stripe:\n    connector: stripe\n    owner: you@example.com\n    config: { api_key: "${STRIPE_API_KEY}" }\n';
    expect(readFileSync(join(dir, "project.yaml"), "utf8")).toBe(PROJECT.replace("ai: {", `${block}ai: {`));
    const sql = readFileSync(join(dir, "models/staging/stripe/stg_stripe__customers.sql"), "utf8");
    expect(sql).toMatch(/^-- dp pack stripe \(sha256 [0-9a-f]{16}\): yours to edit;.*\nselect id, email from/);
    expect(readFileSync(join(dir, "models/staging/stripe/stripe.yml"), "utf8")).toStartWith(
      "# dp pack stripe (sha256 ",
    );
  });

  test("again: unchanged files stay, unedited ones take the new version, an edited one is kept and said so", () => {
    const dir = writeProject({ "project.yaml": PROJECT });
    addPack(dir, pack(1));
    expect(addPack(dir, pack(1)).files.map((f) => f.status)).toEqual(["unchanged", "unchanged"]);
    const yml = join(dir, "models/staging/stripe/stripe.yml");
    writeFileSync(yml, `${readFileSync(yml, "utf8")}    description: mine\n`);
    const again = addPack(dir, pack(2));
    expect(again.source?.status).toBe("exists");
    expect(again.files).toEqual([
      { path: "models/staging/stripe/stg_stripe__customers.sql", status: "updated" },
      { path: "models/staging/stripe/stripe.yml", status: "kept", why: "edited since dp add wrote it" },
    ]);
    expect(readFileSync(join(dir, "models/staging/stripe/stg_stripe__customers.sql"), "utf8")).toContain("-- v2");
    expect(readFileSync(yml, "utf8")).toContain("description: mine");
    expect(readFileSync(join(dir, "project.yaml"), "utf8").match(/^ {2}stripe:/gm)).toHaveLength(1);
  });

  test("a file dp add never wrote is never overwritten", () => {
    const dir = writeProject({ "project.yaml": PROJECT, "models/staging/stripe/stripe.yml": "models: []\n" });
    const r = addPack(dir, pack());
    expect(r.files[1]).toEqual({
      path: "models/staging/stripe/stripe.yml",
      status: "kept",
      why: "not written by dp add",
    });
    expect(readFileSync(join(dir, "models/staging/stripe/stripe.yml"), "utf8")).toBe("models: []\n");
  });

  test("a source named otherwise: its block goes under that name and the SQL's source() calls follow", () => {
    const dir = writeProject({ "project.yaml": "name: x\nsources: {}\n" });
    addPack(dir, pack(), "billing");
    expect(readFileSync(join(dir, "project.yaml"), "utf8")).toContain("sources:\n  billing:\n    connector: stripe\n");
    expect(readFileSync(join(dir, "models/staging/stripe/stg_stripe__customers.sql"), "utf8")).toContain(
      "{{ source('billing', 'customers') }}",
    );
    expect(renameSource(`{{source("stripe","x")}} {{ source('stripes', 'y') }}`, "stripe", "b")).toBe(
      `{{source("b","x")}} {{ source('stripes', 'y') }}`,
    );
  });
});

describe("a shipped pack is the embedded files under its paths", () => {
  const embedded = {
    "models/staging/stripe/a.sql": "a",
    "models/staging/stripe/z/b.sql": "b",
    "models/staging/stripes.sql": "not under the folder",
    "models/marts/mrr.sql": "not in the pack",
    "evals/stripe.yaml": "e",
  };
  const spec = { name: "stripe", connector: "stripe", description: "d", source: "connector: stripe\n" };

  test("a path ending in / is a folder (its subfolders too), any other one exact file", () => {
    const p = packFromFiles({ ...spec, paths: ["models/staging/stripe/", "evals/stripe.yaml"] }, embedded);
    expect(p.files).toEqual({
      "models/staging/stripe/a.sql": "a",
      "models/staging/stripe/z/b.sql": "b",
      "evals/stripe.yaml": "e",
    });
    expect(p.source).toBe("connector: stripe\n");
    expect(p).not.toHaveProperty("paths");
  });

  test("a path that matches nothing is a packaging mistake, reported with the pack", () => {
    expect(() => packFromFiles({ ...spec, paths: ["models/marts/billing/"] }, embedded)).toThrow(
      "model pack stripe: no embedded file at models/marts/billing/",
    );
  });
});
