import { parseJson } from "../../engine/ingest/exact-json.ts";
import { bodyText, pageFromBytes, type PageText } from "../../engine/ingest/records-text.ts";
import type { PaginatorConfig } from "./config.ts";
import { pathKeys } from "./json-path.ts";

export interface PageTextOptions {
  recordsPath: string | undefined;
  usualKeys: string[];
  paginator: PaginatorConfig;
  cursorField: string | undefined;
}

/**
 * How to parse a page's body. The records are taken from its bytes without JSON.parse when nothing
 * else reads inside them: the paginator's body paths stay outside the records array and the cursor
 * field is a top-level key. A page the text walk cannot vouch for is parsed as before.
 */
export function pageParser(opts: PageTextOptions): (bytes: Uint8Array) => PageText {
  const parse = (bytes: Uint8Array): PageText => ({ body: parseJson(bodyText(bytes)) });
  const path = opts.recordsPath === undefined ? undefined : keysOf(opts.recordsPath);
  const pick = opts.cursorField;
  if (path === null || (pick !== undefined && !/^[^.[\]$]+$/.test(pick))) return parse;
  if (bodyPaths(opts.paginator).some((p) => readsRecords(keysOf(p), path, opts.usualKeys))) return parse;
  return (bytes) => pageFromBytes(bytes, path, opts.usualKeys, pick);
}

function bodyPaths(p: PaginatorConfig): string[] {
  switch (p.type) {
    case "cursor":
      return [p.cursor_path];
    case "offset":
      return p.total_path ? [p.total_path] : [];
    case "page_number":
      return p.total_pages_path ? [p.total_pages_path] : [];
    default:
      return [];
  }
}

/** The keys of a path as json-path.ts reads it; null when it indexes into an array. */
function keysOf(path: string): string[] | null {
  return path.includes("[") ? null : pathKeys(path);
}

/** Whether a paginator path could see a difference between the body and the body with its records array emptied. */
function readsRecords(keys: string[] | null, records: string[] | undefined, usualKeys: string[]): boolean {
  if (keys === null || keys.length === 0) return true;
  // records at the body itself or one of the usual keys: an array index, its length, or a usual key
  if (records === undefined) return /^\d+$/.test(keys[0]!) || keys[0] === "length" || usualKeys.includes(keys[0]!);
  const n = Math.min(keys.length, records.length);
  return keys.slice(0, n).every((k, i) => k === records[i]);
}
