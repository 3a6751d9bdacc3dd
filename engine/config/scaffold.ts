import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DpError } from "../errors.ts";
import { PROJECT_FILE } from "./project.ts";

// outbox/ holds messages a decision sent (customer names in them): local, never committed
const GITIGNORE = "lake/\nwarehouse/\n.dp/\n.env\noutbox/\n";

const BLANK_PROJECT = (name: string) => `name: ${name}
sources: {}
#  billing:
#    connector: stripe
#    owner: you@example.com
#    freshness: { warn_after: 6h, error_after: 24h }
#    schedule: 15m
#    config: { api_key: "\${STRIPE_API_KEY}", streams: [customers, subscriptions, invoices] }
`;

export async function scaffold(dir: string, options: { demo: boolean }): Promise<string[]> {
  const target = resolve(dir);
  if (existsSync(join(target, PROJECT_FILE))) {
    throw new DpError("USAGE", `${join(target, PROJECT_FILE)} already exists`, {
      where: target,
      fix: "choose an empty directory: `dp init NEW_DIR --demo`",
    });
  }
  const files: Record<string, string> = options.demo
    ? { ...(await import("./demo-assets.generated.ts")).demoAssets }
    : { [PROJECT_FILE]: BLANK_PROJECT(safeName(target)), "models/staging/.gitkeep": "", "models/marts/.gitkeep": "" };
  files[".gitignore"] = GITIGNORE;
  for (const [rel, content] of Object.entries(files)) {
    const p = join(target, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return Object.keys(files);
}

function safeName(dir: string): string {
  const base = dir.split("/").pop() || "project";
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "_")
    .replace(/^[^a-z]+/, "");
  return cleaned || "project";
}
