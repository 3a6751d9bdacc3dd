/**
 * The fake API for the ingest benchmark, in its own process so it never shares
 * an event loop with dp: every page is a pre-serialized file sent as is.
 *   bun bench/lib/pages-server.ts DIR [PAGE_SIZE]   → prints the base URL, serves GET /records?cursor=N
 *   and, as Stripe lists them, GET /v1/records?starting_after=rec_N (the page after record N)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2]!;
const pageSize = Number(process.argv[3] ?? 1000);
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const url = new URL(req.url);
    let page: number;
    if (url.pathname === "/records") page = Number(url.searchParams.get("cursor") ?? 0);
    else if (url.pathname === "/v1/records") {
      const after = url.searchParams.get("starting_after");
      page = after === null ? 0 : (Number(after.replace(/^rec_/, "")) + 1) / pageSize;
    } else return new Response("not found", { status: 404 });
    const path = join(dir, "json", `page-${page}.json`);
    if (!Number.isInteger(page) || !existsSync(path))
      return Response.json({ error: { message: "no such page" } }, { status: 404 });
    return new Response(Bun.file(path), { headers: { "content-type": "application/json" } });
  },
});
process.stdout.write(`${server.url.origin}\n`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
