import { parseJson } from "../../engine/ingest/exact-json.ts";

/**
 * The top-level `id` of a record the text walk took (engine/ingest/records-text.ts), in `b` from
 * `start` to `end`, when it is a string: the next page's `starting_after`. Stripe writes `id` first,
 * so an object that opens with {"id":"…" (no escape in the value) gives it without a parse, and it
 * is the one JSON.parse would give, as the walk refuses a key twice in one object; any other object
 * is parsed. Throws for text that is not JSON.
 */
export function objectId(b: Uint8Array, start: number, end: number): string | undefined {
  const head = LEADING_ID.exec(latin1(b, start, Math.min(end, start + 128)));
  if (head && head[0].length < end - start)
    return UTF8.decode(b.subarray(start + head[1]!.length, start + head[0].length - 1));
  const o = parseJson<Record<string, unknown>>(UTF8.decode(b.subarray(start, end)));
  return typeof o?.id === "string" ? o.id : undefined;
}

/** {"id":"…" with the value's text in group 2 and everything before the value in group 1 */
const LEADING_ID = /^(\{\s*"id"\s*:\s*")([^"\\\u0000-\u001f]*)"/;

const UTF8 = new TextDecoder();

function latin1(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
}
