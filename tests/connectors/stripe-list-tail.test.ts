import { describe, expect, test } from "bun:test";
import { nextAfterFromTail, objectId } from "../../connectors/stripe/list-tail.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("the next page's cursor read from a Stripe list's tail", () => {
  test("compact and pretty-printed lists (Stripe's own are pretty) give the last object's id when has_more", () => {
    const objects = [
      { id: "cus_1", object: "customer", address: { city: "Berlin" }, tags: ["a"] },
      { id: "cus_2", object: "customer", plan: { id: "plan_9", items: [{ id: "si_1" }] } },
    ];
    const list = (hasMore: boolean) => ({ object: "list", data: objects, has_more: hasMore, url: "/v1/customers" });
    expect(nextAfterFromTail(bytes(JSON.stringify(list(true))))).toBe("cus_2");
    expect(nextAfterFromTail(bytes(JSON.stringify(list(true), null, 2)))).toBe("cus_2");
    expect(nextAfterFromTail(bytes(`${JSON.stringify(list(true), null, 2)}\n`))).toBe("cus_2");
    expect(nextAfterFromTail(bytes(JSON.stringify(list(false))))).toBeUndefined();
    expect(nextAfterFromTail(bytes(JSON.stringify(list(false), null, 2)))).toBeUndefined();
  });

  test("strings holding quotes, backslashes, brackets and braces are skipped whole", () => {
    const last = {
      id: "cus_é9",
      description: 'a "quoted" {brace} [bracket] \\ and \\" and a trailing backslash \\',
      metadata: { note: '}]"{' },
    };
    const body = JSON.stringify({ object: "list", data: [{ id: "cus_1" }, last], has_more: true, url: "/v1/x" });
    expect(nextAfterFromTail(bytes(body))).toBe("cus_é9");
  });

  test("an id that is not first, or written with an escape, is read by parsing the object", () => {
    expect(
      nextAfterFromTail(bytes(`{"data":[{"created":1,"id":"cus_7","x":{"id":"n_1"}}],"has_more":true,"url":"/v1/x"}`)),
    ).toBe("cus_7");
    expect(nextAfterFromTail(bytes(`{"data":[{"id":"cus_\\u00e9"}],"has_more":true}`))).toBe("cus_é");
  });

  test("no guess where the tail is not a Stripe list's", () => {
    // has_more before the data: not read from the tail
    expect(nextAfterFromTail(bytes(`{"has_more":true,"data":[{"id":"cus_1"}]}`))).toBeUndefined();
    // the last element is not an object, or has no string id
    expect(nextAfterFromTail(bytes(`{"data":[1,2],"has_more":true}`))).toBeUndefined();
    expect(nextAfterFromTail(bytes(`{"data":[{"id":7}],"has_more":true}`))).toBeUndefined();
    expect(nextAfterFromTail(bytes(`{"data":[],"has_more":true}`))).toBeUndefined();
    // an object after the data, a truncated body, not JSON at all
    expect(nextAfterFromTail(bytes(`{"data":[{"id":"cus_1"}],"has_more":true,"x":{}}`))).toBeUndefined();
    expect(nextAfterFromTail(bytes(`{"data":[{"id":"cus_1"},{"id":"cus_2"`))).toBeUndefined();
    expect(nextAfterFromTail(bytes(`{"data":["cus_1"}],"has_more":true}`))).toBeUndefined();
    expect(nextAfterFromTail(bytes(""))).toBeUndefined();
  });

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

describe("a Stripe pull asks for the next page before walking this one", () => {
  /** a list API of `n` objects, 100 a page, pretty-printed as Stripe prints them; `decoy` puts an array of another object between the data and has_more */
  function serve(n: number, decoy: (page: number) => boolean) {
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
        const page = Math.floor(from / 100);
        const body = {
          object: "list",
          data,
          ...(decoy(page) ? { decoys: [{ id: `ch_decoy_${page}` }] } : {}),
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
    const api = serve(350, () => false);
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

  test("a guess the walk contradicts is dropped: the right page is asked for, nothing lands twice or goes missing", async () => {
    const api = serve(350, (page) => page === 1);
    try {
      const { r, lake } = await pull(api.url);
      expect(r.status).toBe("ok");
      expect(lake).toMatchObject({ rows: 350, distinct: 350 });
      // page 1's tail names a decoy: that request is made, and its answer (a 404 here) never surfaces
      expect(api.asked).toContain("ch_decoy_1");
      expect(api.asked.filter((a) => a !== "ch_decoy_1")).toEqual([null, "ch_00099", "ch_00199", "ch_00299"]);
    } finally {
      api.server.stop(true);
    }
  });
});
