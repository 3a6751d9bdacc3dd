import { createHash } from "node:crypto";
import { DpError } from "../errors.ts";
import { googleAccessToken } from "./google-auth.ts";
import { fetchJson, quotaBackoff } from "./retry-fetch.ts";

/** A spreadsheet holds at most 10M cells across all its tabs. */
export const SHEETS_CELL_LIMIT = 10_000_000;
/** Google refuses a cell of more text than this ("Your input contains more than the maximum of 50000 characters in a single cell"). */
export const SHEETS_MAX_CELL_CHARS = 50_000;
/** Google advises payloads under 2 MB; cells are capped too so one request stays quick. */
export const MAX_REQUEST_BYTES = 1_500_000;
export const MAX_REQUEST_CELLS = 100_000;

export type Cell = string | number | boolean;

export interface SheetTarget {
  spreadsheetId: string;
  tab: string;
}

/** What to write: the header, how many rows will come, and the rows in batches (read lazily, after the size checks). */
export interface SheetData {
  header: string[];
  rows: number;
  batches: () => AsyncIterable<Cell[][]>;
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

/** The hidden tab an export of `tab` is written to first; the same name each time, so one left by a crash is found. */
export function stagingTitle(tab: string): string {
  return `dp-staging-${createHash("sha1").update(tab).digest("hex").slice(0, 10)}`;
}

const cellsOf = (s: SheetProps) => (s.gridProperties?.rowCount ?? 0) * (s.gridProperties?.columnCount ?? 0);

/**
 * Replace a tab's contents so that a failure never leaves it empty or half written: the rows go to a
 * hidden staging tab first, then one batchUpdate (Google applies a batch whole or not at all) clears the
 * tab, pastes the staged values in, deletes the staging tab and leaves the "data as of" note; a new tab
 * is the staging tab renamed. Values go in RAW so nothing in the data is parsed as a formula.
 */
export async function writeSheet(
  target: SheetTarget,
  data: SheetData,
  note: string,
  signal?: AbortSignal,
): Promise<SheetsWriteResult> {
  const cols = Math.max(1, data.header.length);
  const rowCount = data.rows + 1;
  const needed = rowCount * cols;
  assertFitsSheet(target, rowCount, cols);
  const token = await googleAccessToken();
  const base = `${sheetsBaseUrl()}/v4/spreadsheets/${encodeURIComponent(target.spreadsheetId)}`;
  const call = <T>(path: string, body?: unknown, method?: "GET" | "POST") =>
    fetchJson<T>(`${base}${path}`, {
      label: "google sheets",
      headers: { authorization: `Bearer ${token}` },
      body,
      method,
      signal,
      // Sheets' quotas are per minute: back off long enough for the minute to turn over
      ...quotaBackoff(),
    });

  const meta = await call<{ sheets?: { properties: SheetProps }[] }>(
    `?fields=${encodeURIComponent("sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))")}`,
  );
  const sheets = (meta.sheets ?? []).map((s) => s.properties);
  const staging = stagingTitle(target.tab);
  const existing = sheets.find((s) => s.title === target.tab);
  const stale = sheets.filter((s) => s.title === staging);
  const others = sheets.filter((s) => s !== existing && !stale.includes(s)).reduce((n, s) => n + cellsOf(s), 0);
  if (needed + others > SHEETS_CELL_LIMIT) throw tooBig(target, needed, others);
  // the old version stays readable until the swap, so both must fit at once
  if (existing && needed + others + cellsOf(existing) > SHEETS_CELL_LIMIT)
    throw tooBig(target, needed, others + cellsOf(existing), "the tab's current version");

  const added = await call<{ replies: { addSheet?: { properties: SheetProps } }[] }>(":batchUpdate", {
    requests: [
      ...stale.map((s) => ({ deleteSheet: { sheetId: s.sheetId } })),
      { addSheet: { properties: { title: staging, hidden: true, gridProperties: { rowCount, columnCount: cols } } } },
    ],
  });
  const stagingId = added.replies?.at(-1)?.addSheet?.properties.sheetId;
  if (stagingId === undefined) throw new DpError("IO", "google sheets did not return the new tab's id");

  const chunks: SheetsWriteResult["chunks"] = [];
  try {
    for await (const chunk of chunkRows(withHeader(data), cols)) {
      if (signal?.aborted) throw new DpError("IO", "export interrupted; the tab keeps its previous contents");
      const body = `{"valueInputOption":"RAW","data":[{"range":${JSON.stringify(tabRange(staging, `A${chunk.startRow}`))},"majorDimension":"ROWS","values":[${chunk.json.join(",")}]}]}`;
      await call("/values:batchUpdate", body);
      chunks.push({ rows: chunk.json.length, cells: chunk.json.length * cols, bytes: body.length });
    }
    const grid = { rowCount, columnCount: cols, frozenRowCount: data.rows > 0 ? 1 : 0 };
    const whole = (sheetId: number) => ({
      sheetId,
      startRowIndex: 0,
      endRowIndex: rowCount,
      startColumnIndex: 0,
      endColumnIndex: cols,
    });
    const noteOn = (sheetId: number) => ({
      updateCells: {
        range: { ...whole(sheetId), endRowIndex: 1, endColumnIndex: 1 },
        rows: [{ values: [{ note }] }],
        fields: "note",
      },
    });
    const swap = existing
      ? [
          {
            updateSheetProperties: {
              properties: { sheetId: existing.sheetId, gridProperties: grid },
              fields: "gridProperties(rowCount,columnCount,frozenRowCount)",
            },
          },
          { updateCells: { range: whole(existing.sheetId), fields: "userEnteredValue" } },
          {
            copyPaste: {
              source: whole(stagingId),
              destination: whole(existing.sheetId),
              pasteType: "PASTE_VALUES",
              pasteOrientation: "NORMAL",
            },
          },
          { deleteSheet: { sheetId: stagingId } },
          noteOn(existing.sheetId),
        ]
      : [
          {
            updateSheetProperties: {
              properties: { sheetId: stagingId, title: target.tab, hidden: false, gridProperties: grid },
              fields: "title,hidden,gridProperties(rowCount,columnCount,frozenRowCount)",
            },
          },
          noteOn(stagingId),
        ];
    await call(":batchUpdate", { requests: swap });
    return {
      requests: chunks.length,
      cells: needed,
      chunks,
      sheetId: existing?.sheetId ?? stagingId,
      created: !existing,
    };
  } catch (e) {
    // the tab itself was never touched; the staging tab goes now, or with the next export if this fails too
    await fetchJson(`${base}:batchUpdate`, {
      label: "google sheets",
      headers: { authorization: `Bearer ${token}` },
      body: { requests: [{ deleteSheet: { sheetId: stagingId } }] },
      retries: 1,
    }).catch(() => undefined);
    throw e;
  }
}

async function* withHeader(data: SheetData): AsyncGenerator<Cell[][]> {
  yield [data.header];
  yield* data.batches();
}

/** Rows serialized once, grouped under the byte and cell caps; startRow is 1-based. */
export async function* chunkRows(
  batches: AsyncIterable<Cell[][]>,
  cols: number,
): AsyncGenerator<{ startRow: number; json: string[] }> {
  let json: string[] = [];
  let bytes = 0;
  let startRow = 1;
  let row = 0;
  const maxRows = Math.max(1, Math.floor(MAX_REQUEST_CELLS / cols));
  for await (const batch of batches) {
    for (const cells of batch) {
      row++;
      const text = JSON.stringify(cells);
      if (json.length && (bytes + text.length + 1 > MAX_REQUEST_BYTES || json.length >= maxRows)) {
        yield { startRow, json };
        startRow = row;
        json = [];
        bytes = 0;
      }
      json.push(text);
      bytes += text.length + 1;
    }
  }
  if (json.length) yield { startRow, json };
}

export function assertFitsSheet(target: SheetTarget, rows: number, cols: number): void {
  if (rows * Math.max(1, cols) > SHEETS_CELL_LIMIT) throw tooBig(target, rows * Math.max(1, cols), 0);
}

function tooBig(target: SheetTarget, needed: number, others: number, what = "the other tabs"): DpError {
  return new DpError(
    "USAGE",
    `the export needs ${needed.toLocaleString("en-US")} cells${others ? ` and ${what} hold ${others.toLocaleString("en-US")}` : ""}; a spreadsheet holds at most 10,000,000`,
    {
      where: `sheets://${target.spreadsheetId}/${target.tab}`,
      fix: "export an aggregated mart, or export to a file (--to FILE.parquet) and load it elsewhere",
      exitCode: 1,
    },
  );
}
