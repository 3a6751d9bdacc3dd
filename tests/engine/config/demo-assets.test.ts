import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderDemoAssets } from "../../../scripts/gen-demo-assets.ts";
import { repoRoot } from "../../helpers.ts";

test("the embedded demo matches project.yaml, models/ and evals/ (run `bun scripts/gen-demo-assets.ts`)", () => {
  const embedded = readFileSync(join(repoRoot, "engine/config/demo-assets.generated.ts"), "utf8");
  expect(embedded).toBe(renderDemoAssets());
});
