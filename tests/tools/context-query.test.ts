import { afterAll, beforeAll, expect, test } from "bun:test";
import { createToolContext, type ToolContext } from "../../tools/context.ts";
import { createFixture, type Fixture } from "./fixture.ts";

let fx: Fixture;
let ctx: ToolContext;

beforeAll(async () => {
  fx = await createFixture();
  ctx = createToolContext(fx.project);
});
afterAll(() => {
  ctx.close();
  fx.cleanup();
});

// random() tells a statement read again from one answered before
const RANDOM = "SELECT random() AS r, $1::INTEGER AS k";

test("a context reads the same statement with the same values once; each caller gets its own rows", async () => {
  const [first] = await ctx.query<{ r: number; k: number }>(RANDOM, [1]);
  first!.r = -1;
  const [again] = await ctx.query<{ r: number; k: number }>(RANDOM, [1]);
  expect(again!.r).toBeGreaterThanOrEqual(0);
  expect(again!.k).toBe(1);
  const [other] = await ctx.query<{ r: number; k: number }>(RANDOM, [2]);
  expect(other!.k).toBe(2);
  expect(other!.r).not.toBe(again!.r);
  expect((await ctx.query<{ r: number }>(RANDOM, [1]))[0]!.r).toBe(again!.r);
});

test("a statement that failed is not kept: it fails again, and a fixed one is read", async () => {
  const bad = "SELECT count(*) AS n FROM marts.no_such_mart";
  await expect(ctx.query(bad, [])).rejects.toThrow();
  await expect(ctx.query(bad, [])).rejects.toThrow();
  const rows = await ctx.query<{ n: number }>("SELECT count(*) AS n FROM marts.mrr_monthly", []);
  expect(rows[0]!.n).toBeGreaterThan(0);
});

test("a long-lived context keeps only the latest answers", async () => {
  const [kept] = await ctx.query<{ r: number }>(RANDOM, [100]);
  for (let k = 0; k < 40; k++) await ctx.query(RANDOM, [1000 + k]);
  const [read] = await ctx.query<{ r: number }>(RANDOM, [100]);
  expect(read!.r).not.toBe(kept!.r);
});
