import { DpError } from "../errors.ts";
import { googleAccessToken } from "./google-auth.ts";
import { fetchJson } from "./retry-fetch.ts";

/** A spreadsheet holds at most 10M cells across all its tabs. */
export const SHEETS_CELL_LIMIT = 10_000_000;
/** Google advises payloads under 2 MB; cells are capped too so one request stays quick. */
export const MAX_REQUEST_BYTES = 1_500_000;
export const MAX_REQUEST_CELLS = 100_000;

export type Cell = string | number | boolean;

export interface SheetTarget {
  spreadsheetId: string;
  tab: string;
}

export interface SheetsWriteResult {
  requests: number;
  cells: number;
  chunks: { rows: number; cells: number; bytes: number }[];
  sheetId: number;
  created: boolean;
}

interface SheetProps {
  sheetId: number;
  title: string;
  gridProperties?: { rowCount?: number; columnCount?: number };
}

export function sheetsBaseUrl(): string {
  return (process.env.DP_SHEETS_BASE_URL || "https://sheets.googleapis.com").replace(/\/$/, "");
}

/** A1 range of a whole tab: quotes doubled inside single quotes. */
export function tabRange(tab: string, cell = ""): string {
  return `'${tab.replaceAll("'", "''")}'${cell ? `!${cell}` : ""}`;
}

/**
 * Replace a tab's contents: size the grid to fit, clear, write header + rows in
 * chunks, then leave the "data as of" note on A1. Values go in RAW so nothing
 * in the data is ever parsed as a formula; numbers stay numbers, dates are ISO text.
 */
export async function writeSheet(
  target: SheetTarget,
  header: string[],
  rows: Cell[][],
  note: string,
  signal?: AbortSignal,
): Promise<SheetsWriteResult> {
  const cols = Math.max(1, header.length);
  const needed = (rows.length + 1) * cols;
  assertFitsSheet(target, rows.length + 1, cols);
  const token = await googleAccessToken();
  const base = `${sheetsBaseUrl()}/v4/spreadsheets/${encodeURIComponent(target.spreadsheetId)}`;
  const call = <T>(path: string, body?: unknown, method?: "GET" | "POST") =>
    fetchJson<T>(`${base}${path}`, {
      label: "google sheets",
      headers: { authorization: `Bearer ${token}` },
      body,
      method,
      signal,
    });

  const meta = await call<{ sheets?: { properties: SheetProps }[] }>(
    `?fields=${encodeURIComponent("sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))")}`,
  );
  const sheets = (meta.sheets ?? []).map((s) => s.properties);
  const existing = sheets.find((s) => s.title === target.tab);
  const others = sheets
    .filter((s) => s !== existing)
    .reduce((n, s) => n + (s.gridProperties?.rowCount ?? 0) * (s.gridProperties?.columnCount ?? 0), 0);
  if (needed + others > SHEETS_CELL_LIMIT) throw tooBig(target, needed, others);

  const grid = { rowCount: rows.length + 1, columnCount: cols, frozenRowCount: 1 };
  let sheetId: number;
  if (existing) {
    sheetId = existing.sheetId;
    await call(":batchUpdate", {
      requests: [
        {
          updateSheetProperties: {
            properties: { sheetId, gridProperties: grid },
            fields: "gridProperties(rowCount,columnCount,frozenRowCount)",
          },
        },
      ],
    });
  } else {
    const reply = await call<{ replies: { addSheet?: { properties: SheetProps } }[] }>(":batchUpdate", {
      requests: [{ addSheet: { properties: { title: target.tab, gridProperties: grid } } }],
    });
    sheetId = reply.replies?.[0]?.addSheet?.properties.sheetId ?? 0;
  }
  await call(`/values/${encodeURIComponent(tabRange(target.tab))}:clear`, {});

  const chunks: SheetsWriteResult["chunks"] = [];
  let requests = 0;
  for (const chunk of chunkRows([header, ...rows], cols)) {
    if (signal?.aborted)
      throw new DpError("IO", "export interrupted; the tab is partly written and the next export replaces it");
    const body = `{"valueInputOption":"RAW","data":[{"range":${JSON.stringify(tabRange(target.tab, `A${chunk.startRow}`))},"majorDimension":"ROWS","values":[${chunk.json.join(",")}]}]}`;
    await call("/values:batchUpdate", body);
    requests++;
    chunks.push({ rows: chunk.json.length, cells: chunk.json.length * cols, bytes: body.length });
  }
  await call(":batchUpdate", {
    requests: [
      {
        updateCells: {
          range: { sheetId, startRowIndex: 0, endRowIndex: 1, startColumnIndex: 0, endColumnIndex: 1 },
          rows: [{ values: [{ note }] }],
          fields: "note",
        },
      },
    ],
  });
  return { requests, cells: needed, chunks, sheetId, created: !existing };
}

/** Rows serialized once, grouped under the byte and cell caps; startRow is 1-based. */
export function* chunkRows(rows: Cell[][], cols: number): Generator<{ startRow: number; json: string[] }> {
  let json: string[] = [];
  let bytes = 0;
  let startRow = 1;
  const maxRows = Math.max(1, Math.floor(MAX_REQUEST_CELLS / cols));
  for (let i = 0; i < rows.length; i++) {
    const row = JSON.stringify(rows[i]);
    if (json.length && (bytes + row.length + 1 > MAX_REQUEST_BYTES || json.length >= maxRows)) {
      yield { startRow, json };
      startRow = i + 1;
      json = [];
      bytes = 0;
    }
    json.push(row);
    bytes += row.length + 1;
  }
  if (json.length) yield { startRow, json };
}

export function assertFitsSheet(target: SheetTarget, rows: number, cols: number): void {
  if (rows * Math.max(1, cols) > SHEETS_CELL_LIMIT) throw tooBig(target, rows * Math.max(1, cols), 0);
}

function tooBig(target: SheetTarget, needed: number, others: number): DpError {
  return new DpError(
    "USAGE",
    `the export needs ${needed.toLocaleString("en-US")} cells${others ? ` and the other tabs hold ${others.toLocaleString("en-US")}` : ""}; a spreadsheet holds at most 10,000,000`,
    {
      where: `sheets://${target.spreadsheetId}/${target.tab}`,
      fix: "export an aggregated mart, or export to a file (--to FILE.parquet) and load it elsewhere",
      exitCode: 1,
    },
  );
}
