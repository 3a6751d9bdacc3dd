import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PAGE_SIZE = 1_000;

const FILLER =
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ";
const COUNTRIES = ["DE", "US", "FR", "GB", "ES", "NL", "SE", "PL"];
const STATUSES = ["active", "trialing", "past_due", "canceled"];

/** One ≈1 KB API record: scalars, nested objects, an array, a long text field. */
export function record(i: number): string {
  const created = 1_700_000_000 + i * 7;
  const country = COUNTRIES[i % COUNTRIES.length];
  const status = STATUSES[i % STATUSES.length];
  return `{"id":"rec_${String(i).padStart(9, "0")}","object":"customer","created":${created},"updated_at":"${new Date(created * 1000).toISOString()}","email":"User${i}@Example.com","name":"Customer ${i}","status":"${status}","livemode":${i % 10 !== 0},"balance":${(i % 997) * 13},"seats":${1 + (i % 50)},"mrr":${((i % 300) * 9.5).toFixed(2)},"plan":{"id":"plan_${i % 5}","interval":"${i % 3 ? "month" : "year"}","amount":${(1 + (i % 5)) * 2900},"currency":"usd"},"address":{"line1":"${i} Market Street","city":"City ${i % 400}","country":"${country}","postal_code":"${10000 + (i % 89999)}"},"tags":["t${i % 7}","t${i % 11}"],"metadata":{"segment":"${i % 2 ? "smb" : "mid"}","source":"bench","ref":"${(i * 2654435761) % 4294967296}"},"description":"${FILLER}${FILLER}${FILLER}${FILLER}${FILLER.slice(0, 40 + (i % 40))}"}`;
}

/** Stripe's largest page */
export const STRIPE_PAGE_SIZE = 100;

/**
 * Pages as the fake API serves them (page-N.json, pre-serialized) and the same
 * records as NDJSON for the limit side, 1,000 to a file whatever the page size (the limit's
 * best case: 10,000 files of 100 records cost DuckDB twice the time). Each body is a Stripe
 * list (`has_more`) that also names the next page (`next_cursor`) for the REST connector.
 */
export function writePages(dir: string, records: number, pageSize = PAGE_SIZE): { pages: number; bytes: number } {
  if (PAGE_SIZE % pageSize !== 0) throw new Error(`page size ${pageSize} must divide ${PAGE_SIZE}`);
  mkdirSync(join(dir, "json"), { recursive: true });
  mkdirSync(join(dir, "ndjson"), { recursive: true });
  const pages = Math.ceil(records / pageSize);
  let bytes = 0;
  for (let f = 0; f * PAGE_SIZE < records; f++) {
    const lines: string[] = [];
    for (let i = f * PAGE_SIZE; i < Math.min(records, (f + 1) * PAGE_SIZE); i++) lines.push(record(i));
    writeFileSync(join(dir, "ndjson", `records-${String(f).padStart(6, "0")}.ndjson`), `${lines.join("\n")}\n`);
    for (let at = 0; at < lines.length; at += pageSize) {
      const p = (f * PAGE_SIZE + at) / pageSize;
      const next = p + 1 < pages ? `"${p + 1}"` : "null";
      const body = `{"object":"list","data":[${lines.slice(at, at + pageSize).join(",")}],"has_more":${p + 1 < pages},"url":"/v1/records","next_cursor":${next}}`;
      bytes += body.length;
      writeFileSync(join(dir, "json", `page-${p}.json`), body);
    }
  }
  return { pages, bytes };
}
