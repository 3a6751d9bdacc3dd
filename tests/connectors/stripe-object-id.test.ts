import { describe, expect, test } from "bun:test";
import { objectId } from "../../connectors/stripe/object-id.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("the last object's id, the next page's starting_after", () => {
  test("objectId reads the leading id as JSON.parse would, and parses anything else", () => {
    const cases = [
      `{"id":"cus_1","name":"x"}`,
      `{ "id" : "cus_2" , "n": 1}`,
      `{"id":"cus_\\"q","n":1}`,
      `{"name":"x","id":"cus_3"}`,
      `{"id":5,"n":1}`,
      `{"id":"ü€𝄞","n":1}`,
    ];
    for (const c of cases) {
      const b = bytes(c);
      const parsed = JSON.parse(c).id;
      expect(objectId(b, 0, b.length)).toBe(typeof parsed === "string" ? parsed : undefined);
    }
  });
});

describe("a Stripe pull pages on the last object's id", () => {
  /** a list API of `n` objects, 100 a page, pretty-printed as Stripe prints them */
  function serve(n: number) {
    const asked: (string | null)[] = [];
    const objects = Array.from({ length: n }, (_, i) => ({
      id: `ch_${String(i).padStart(5, "0")}`,
      object: "charge",
      created: 1_700_000_000 + i,
      note: `"quoted" [${i}] {x}`,
    }));
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const after = new URL(req.url).searchParams.get("starting_after");
        asked.push(after);
        const from = after === null ? 0 : objects.findIndex((o) => o.id === after) + 1;
        if (after !== null && from === 0)
          return Response.json({ error: { message: "no such object" } }, { status: 404 });
        const data = objects.slice(from, from + 100);
        const body = {
          object: "list",
          data,
          has_more: from + 100 < n,
          url: "/v1/charges",
        };
        return new Response(JSON.stringify(body, null, 2), { headers: { "content-type": "application/json" } });
      },
    });
    return { server, asked, url: `http://127.0.0.1:${server.port}` };
  }

  async function pull(url: string) {
    const { HttpProject } = await import("./http-project.ts");
    process.env.STRIPE_TAIL_KEY = "sk_test_tail";
    const project = new HttpProject("billing", {
      connector: "stripe",
      config: { api_key: "${STRIPE_TAIL_KEY}", base_url: url, streams: ["charges"], updates: "lookback" },
    });
    try {
      const r = await project.pull();
      return { r, lake: await project.lake("charges"), state: project.stream("charges")?.state };
    } finally {
      project.remove();
    }
  }

  test("every page asked for once, in order, and every object lands once", async () => {
    const api = serve(350);
    try {
      const { r, lake, state } = await pull(api.url);
      expect(r.status).toBe("ok");
      expect(lake).toMatchObject({ rows: 350, distinct: 350 });
      expect(api.asked).toEqual([null, "ch_00099", "ch_00199", "ch_00299"]);
      expect(state).toEqual({ cursor: 1_700_000_349 });
    } finally {
      api.server.stop(true);
    }
  });
});
