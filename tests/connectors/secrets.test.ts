import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { connectorNames, getConnector } from "../../connectors/index.ts";
import { looksSecret } from "../../engine/secrets.ts";
import { loadProject } from "../../engine/config/project.ts";
import { loadSourceConnector } from "../../engine/ingest/pull.ts";
import { writeProject } from "../helpers.ts";

interface Field {
  path: string;
  leaf: string;
}

/** Every object key reachable in a zod schema, as a dotted path (records add "*"; arrays and wrappers add nothing). */
function fields(schema: any, prefix = "", seen = new Set<unknown>()): Field[] {
  if (!schema || seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod?.def ?? schema.def;
  if (!def) return [];
  switch (def.type) {
    case "object":
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, child]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [{ path, leaf: key }, ...fields(child, path, seen)];
      });
    case "union":
      return (def.options as unknown[]).flatMap((o) => fields(o, prefix, seen));
    case "intersection":
      return [...fields(def.left, prefix, seen), ...fields(def.right, prefix, seen)];
    case "record":
      return fields(def.valueType, prefix ? `${prefix}.*` : "*", seen);
    case "array":
      return fields(def.element, prefix, seen);
    case "pipe":
      return [...fields(def.in, prefix, seen), ...fields(def.out, prefix, seen)];
    case "lazy":
      return fields(def.getter(), prefix, seen);
    default:
      return def.innerType ? fields(def.innerType, prefix, seen) : [];
  }
}

describe("connector secrets", () => {
  for (const name of connectorNames()) {
    test(`${name}: every config field named like a secret is listed in secretKeys, and every listed key exists`, async () => {
      const connector = await getConnector(name, "test");
      const all = fields(connector.config);
      expect(all.length).toBeGreaterThan(0);
      const secretLike = [...new Set(all.filter((f) => looksSecret(f.leaf)).map((f) => f.path))];
      const listed = connector.secretKeys ?? [];
      expect(secretLike.filter((p) => !listed.includes(p))).toEqual([]);
      const paths = new Set(all.map((f) => f.path));
      expect(listed.filter((k) => !paths.has(k))).toEqual([]);
    });
  }

  // the declaration is enforced, not a comment: an inline value at any declared path is refused, unquoted
  for (const name of connectorNames()) {
    test(`${name}: every secretKeys path written inline is refused (exit 2), naming the key and never the value`, async () => {
      const connector = await getConnector(name, "test");
      for (const key of connector.secretKeys ?? []) {
        const config: Record<string, unknown> = {};
        let node = config;
        const parts = key.split(".").map((p) => (p === "*" ? "x" : p));
        for (const p of parts.slice(0, -1)) node = (node[p] = {}) as Record<string, unknown>;
        node[parts.at(-1)!] = "inline-canary-0xC0FFEE";
        const dir = writeProject({
          "project.yaml": Bun.YAML.stringify({ name: "s", sources: { src: { connector: name, config } } }),
        });
        const project = loadProject(dir, { check: false });
        const err = (await loadSourceConnector(project, "src").catch((e) => e)) as Error & { exitCode?: number };
        expect(err.exitCode).toBe(2);
        expect(err.message).toContain(`sources.src.config.${parts.join(".")} is a secret written into project.yaml`);
        expect(JSON.stringify(err)).not.toContain("inline-canary-0xC0FFEE");
      }
    });
  }

  test("the walker sees through optional, default, unions, arrays and records", () => {
    const schema = z.strictObject({
      auth_conf: z
        .discriminatedUnion("type", [
          z.strictObject({ type: z.literal("a"), token: z.string() }),
          z.strictObject({ type: z.literal("b"), password: z.string() }),
        ])
        .optional(),
      dbs: z.array(z.strictObject({ private_key: z.string().default("") })),
      more: z.record(z.string(), z.strictObject({ api_key: z.string() })),
    });
    expect(
      fields(schema)
        .filter((f) => looksSecret(f.leaf))
        .map((f) => f.path),
    ).toEqual(["auth_conf.token", "auth_conf.password", "dbs.private_key", "more.*.api_key"]);
  });

  test("the HTTP connectors declare their credentials", async () => {
    expect((await getConnector("stripe", "test")).secretKeys).toEqual(["api_key"]);
    expect((await getConnector("hubspot", "test")).secretKeys).toEqual(["access_token"]);
    expect((await getConnector("rest", "test")).secretKeys).toContain("authentication.token");
  });
});
