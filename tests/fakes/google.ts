import { createPublicKey, createVerify, generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bearer, FakeServer, type FakeResponse, type RecordedRequest } from "./faults.ts";

const JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

interface FakeSheet {
  sheetId: number;
  title: string;
  hidden?: boolean;
  rowCount: number;
  columnCount: number;
  frozenRowCount?: number;
  rows: unknown[][];
  notes: Record<string, string>;
}

/** Google's per-cell text limit (Sheets API v4: "Your input contains more than the maximum of 50000 characters in a single cell."). */
const MAX_CELL_CHARS = 50_000;

export interface ValueWrite {
  range: string;
  rows: number;
  cells: number;
  bytes: number;
  valueInputOption: string;
}

/**
 * Google's OAuth token endpoint (checks the JWT-bearer assertion's RS256 signature,
 * issuer, audience and scope) and the slice of Sheets v4 that dp uses, as the v4 reference
 * describes it: spreadsheets.get, :batchUpdate (addSheet, deleteSheet, updateSheetProperties
 * with its field mask, updateCells for notes and for clearing values, copyPaste PASTE_VALUES),
 * values.get, values:clear and values:batchUpdate. Like the real API: a batchUpdate is atomic
 * (one invalid request and nothing is applied), grid limits and the 10M-cell workbook limit hold,
 * a cell over 50,000 characters is refused, all rows cannot be frozen nor all visible tabs
 * deleted, and write requests past a per-window quota get 429 RESOURCE_EXHAUSTED with no
 * Retry-After (Google's quota is 60 writes per minute per user; tests shrink the window).
 */
export class FakeGoogle {
  readonly email = "dp-export@test-project.iam.gserviceaccount.com";
  readonly privateKey: string;
  private readonly publicKey: string;
  readonly spreadsheets = new Map<string, FakeSheet[]>();
  readonly tokens = new Set<string>();
  readonly valueWrites: ValueWrite[] = [];
  readonly tokenErrors: string[] = [];
  /** like Google: request bodies over this are refused */
  maxBodyBytes = 10 * 1024 * 1024;
  /** write requests allowed per window (Google: 60 per minute per user per project); Infinity = no quota */
  writeQuota = { perWindow: Number.POSITIVE_INFINITY, windowMs: 60_000 };
  private writesAt: number[] = [];
  /** writes refused by the quota */
  quotaRefusals = 0;
  private nextSheetId = 1000;
  server!: FakeServer;

  private constructor() {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    this.publicKey = publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  static async start(): Promise<FakeGoogle> {
    const g = new FakeGoogle();
    g.server = await FakeServer.start((req) => g.handle(req));
    return g;
  }

  get tokenUrl(): string {
    return `${this.server.url}/token`;
  }

  get sheetsBaseUrl(): string {
    return this.server.url;
  }

  /** A service-account key file as Google issues it. */
  writeKeyFile(dir: string): string {
    const p = join(dir, "sa.json");
    writeFileSync(
      p,
      JSON.stringify({
        type: "service_account",
        project_id: "test-project",
        client_email: this.email,
        private_key: this.privateKey,
        token_uri: GOOGLE_TOKEN_URL,
      }),
    );
    return p;
  }

  env(keyFile: string): Record<string, string> {
    return {
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      DP_GOOGLE_TOKEN_URL: this.tokenUrl,
      DP_SHEETS_BASE_URL: this.sheetsBaseUrl,
    };
  }

  /** Point this process at the fake (key file in `dir`, retries in milliseconds); returns the undo. */
  useInProcess(dir: string): () => void {
    const vars = { ...this.env(this.writeKeyFile(dir)), DP_HTTP_RETRY_BASE_MS: "5" };
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    return () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
  }

  addSpreadsheet(
    id: string,
    tabs: { title: string; rowCount?: number; columnCount?: number; rows?: unknown[][] }[] = [{ title: "Sheet1" }],
  ): void {
    this.spreadsheets.set(
      id,
      tabs.map((t) => ({
        sheetId: this.nextSheetId++,
        title: t.title,
        rowCount: t.rowCount ?? 1000,
        columnCount: t.columnCount ?? 26,
        rows: t.rows ?? [],
        notes: {},
      })),
    );
  }

  tab(id: string, title: string): FakeSheet | undefined {
    return this.spreadsheets.get(id)?.find((s) => s.title === title);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: RecordedRequest): FakeResponse {
    if (req.path === "/token") return this.token(req);
    const token = bearer(req);
    if (!token || !this.tokens.has(token))
      return {
        status: 401,
        body: { error: { code: 401, message: "Request had invalid authentication credentials." } },
      };
    const m = /^\/v4\/spreadsheets\/([^/:]+)(.*)$/.exec(decodeURIComponent(req.path));
    if (!m) return notFound(req.path);
    const sheets = this.spreadsheets.get(m[1]!);
    if (!sheets) return notFound(`spreadsheet ${m[1]}`);
    const rest = m[2]!;
    const size = JSON.stringify(req.body ?? "").length;
    if (size > this.maxBodyBytes)
      return { status: 413, body: { error: { code: 413, message: "Request payload size exceeds the limit" } } };
    if (req.method === "POST" && this.overQuota()) {
      this.quotaRefusals++;
      return {
        status: 429,
        body: {
          error: {
            code: 429,
            message:
              "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
            status: "RESOURCE_EXHAUSTED",
          },
        },
      };
    }
    if (req.method === "GET" && rest === "") {
      return {
        body: {
          sheets: sheets.map((s) => ({
            properties: {
              sheetId: s.sheetId,
              title: s.title,
              ...(s.hidden ? { hidden: true } : {}),
              gridProperties: {
                rowCount: s.rowCount,
                columnCount: s.columnCount,
                ...(s.frozenRowCount ? { frozenRowCount: s.frozenRowCount } : {}),
              },
            },
          })),
        },
      };
    }
    if (req.method === "POST" && rest === ":batchUpdate") return this.batchUpdate(sheets, req.body);
    const clear = /^\/values\/(.+):clear$/.exec(rest);
    if (req.method === "POST" && clear) {
      const sheet = sheets.find((s) => s.title === parseRange(clear[1]!).tab);
      if (!sheet) return badRequest(`Unable to parse range: ${clear[1]}`);
      sheet.rows = [];
      return { body: { clearedRange: clear[1] } };
    }
    if (req.method === "POST" && rest === "/values:batchUpdate") return this.valuesBatchUpdate(sheets, req.body, size);
    const read = /^\/values\/(.+)$/.exec(rest);
    if (req.method === "GET" && read) return this.valuesGet(sheets, read[1]!);
    return notFound(rest);
  }

  private token(req: RecordedRequest): FakeResponse {
    const form = new URLSearchParams(typeof req.body === "string" ? req.body : "");
    const fail = (why: string): FakeResponse => {
      this.tokenErrors.push(why);
      return { status: 400, body: { error: "invalid_grant", error_description: why } };
    };
    if (form.get("grant_type") !== JWT_GRANT) return fail(`grant_type ${form.get("grant_type")}`);
    const [h, p, s] = (form.get("assertion") ?? "").split(".");
    if (!h || !p || !s) return fail("malformed assertion");
    const header = JSON.parse(Buffer.from(h, "base64url").toString());
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    if (header.alg !== "RS256") return fail(`alg ${header.alg}`);
    const ok = createVerify("RSA-SHA256")
      .update(`${h}.${p}`)
      .verify(createPublicKey(this.publicKey), Buffer.from(s, "base64url"));
    if (!ok) return fail("bad signature");
    if (claims.iss !== this.email) return fail(`iss ${claims.iss}`);
    if (claims.aud !== GOOGLE_TOKEN_URL) return fail(`aud ${claims.aud}`);
    if (!String(claims.scope).includes("https://www.googleapis.com/auth/spreadsheets"))
      return fail(`scope ${claims.scope}`);
    if (!(claims.exp > claims.iat)) return fail("exp");
    const token = `ya29.fake-${this.tokens.size + 1}`;
    this.tokens.add(token);
    return { body: { access_token: token, expires_in: 3600, token_type: "Bearer" } };
  }

  private overQuota(): boolean {
    const now = Date.now();
    this.writesAt = this.writesAt.filter((t) => now - t < this.writeQuota.windowMs);
    if (this.writesAt.length >= this.writeQuota.perWindow) return true;
    this.writesAt.push(now);
    return false;
  }

  /** Atomic like Google's: the requests run on a copy, which replaces the tabs only if every one succeeds. */
  private batchUpdate(live: FakeSheet[], body: any): FakeResponse {
    const sheets: FakeSheet[] = structuredClone(live);
    const replies: unknown[] = [];
    for (const r of body?.requests ?? []) {
      const out = this.apply(sheets, r);
      if ("error" in out) return badRequest(out.error);
      replies.push(out.reply);
    }
    const total = sheets.reduce((n, s) => n + s.rowCount * s.columnCount, 0);
    if (total > 10_000_000)
      return badRequest(
        "This action would increase the number of cells in the workbook above the limit of 10000000 cells.",
      );
    live.splice(0, live.length, ...sheets);
    return { body: { replies } };
  }

  private apply(sheets: FakeSheet[], r: any): { reply: unknown } | { error: string } {
    const byId = (id: number) => sheets.find((s) => s.sheetId === id);
    if (r.addSheet) {
      const p = r.addSheet.properties ?? {};
      const title = p.title ?? `Sheet${sheets.length + 1}`;
      if (sheets.some((s) => s.title === title))
        return { error: `A sheet with the name "${title}" already exists. Please enter another name.` };
      const sheet: FakeSheet = {
        sheetId: p.sheetId ?? this.nextSheetId++,
        title,
        hidden: !!p.hidden,
        rowCount: p.gridProperties?.rowCount ?? 1000,
        columnCount: p.gridProperties?.columnCount ?? 26,
        frozenRowCount: p.gridProperties?.frozenRowCount,
        rows: [],
        notes: {},
      };
      const frozen = frozenError(sheet);
      if (frozen) return { error: frozen };
      sheets.push(sheet);
      return {
        reply: { addSheet: { properties: { sheetId: sheet.sheetId, title: sheet.title, hidden: sheet.hidden } } },
      };
    }
    if (r.deleteSheet) {
      const sheet = byId(r.deleteSheet.sheetId);
      if (!sheet) return { error: `No grid with id: ${r.deleteSheet.sheetId}` };
      if (!sheets.some((s) => s !== sheet && !s.hidden))
        return { error: "You can't remove all the visible sheets in a document." };
      sheets.splice(sheets.indexOf(sheet), 1);
      return { reply: {} };
    }
    if (r.updateSheetProperties) {
      const p = r.updateSheetProperties.properties;
      const fields: string = r.updateSheetProperties.fields ?? "";
      if (!fields) return { error: "At least one field must be updated, but none were specified." };
      const sheet = byId(p.sheetId);
      if (!sheet) return { error: `No grid with id: ${p.sheetId}` };
      const has = (f: string) => fields === "*" || new RegExp(`(^|[,(])${f}([,)]|$)`).test(fields);
      if (has("title") && p.title !== sheet.title) {
        if (sheets.some((s) => s.title === p.title))
          return { error: `A sheet with the name "${p.title}" already exists. Please enter another name.` };
        sheet.title = p.title;
      }
      if (has("hidden")) sheet.hidden = !!p.hidden;
      const g = p.gridProperties ?? {};
      if (has("rowCount") || has("gridProperties")) sheet.rowCount = g.rowCount ?? sheet.rowCount;
      if (has("columnCount") || has("gridProperties")) sheet.columnCount = g.columnCount ?? sheet.columnCount;
      if (has("frozenRowCount") || has("gridProperties")) sheet.frozenRowCount = g.frozenRowCount ?? 0;
      if (sheet.rowCount < 1) return { error: "You can't delete all the rows on the sheet." };
      const frozen = frozenError(sheet);
      if (frozen) return { error: frozen };
      sheet.rows = sheet.rows.slice(0, sheet.rowCount).map((row) => (row ?? []).slice(0, sheet.columnCount));
      return { reply: {} };
    }
    if (r.updateCells) {
      const { range, fields, rows } = r.updateCells;
      const sheet = byId(range.sheetId);
      if (!sheet) return { error: `No grid with id: ${range.sheetId}` };
      if (fields === "note") {
        const note = rows?.[0]?.values?.[0]?.note;
        if (note !== undefined) sheet.notes[`${range.startRowIndex ?? 0},${range.startColumnIndex ?? 0}`] = note;
      } else if (fields === "userEnteredValue" && !rows) {
        // no rows and the field in the mask: the values of the range are cleared
        eachCell(sheet, range, (row, col) => {
          if (sheet.rows[row]) sheet.rows[row]![col] = "";
        });
      } else return { error: `unsupported updateCells fields ${fields}` };
      return { reply: {} };
    }
    if (r.copyPaste) {
      const { source, destination, pasteType } = r.copyPaste;
      if (pasteType !== "PASTE_VALUES") return { error: `unsupported pasteType ${pasteType}` };
      const from = byId(source.sheetId);
      const to = byId(destination.sheetId);
      if (!from || !to) return { error: `No grid with id: ${from ? destination.sheetId : source.sheetId}` };
      const rows = (source.endRowIndex ?? from.rowCount) - (source.startRowIndex ?? 0);
      const cols = (source.endColumnIndex ?? from.columnCount) - (source.startColumnIndex ?? 0);
      const r0 = destination.startRowIndex ?? 0;
      const c0 = destination.startColumnIndex ?? 0;
      if (r0 + rows > to.rowCount || c0 + cols > to.columnCount)
        return { error: `Range exceeds grid limits. Max rows: ${to.rowCount}, max columns: ${to.columnCount}` };
      for (let i = 0; i < rows; i++) {
        const src = from.rows[(source.startRowIndex ?? 0) + i] ?? [];
        const dst = (to.rows[r0 + i] ??= []);
        for (let j = 0; j < cols; j++) dst[c0 + j] = src[(source.startColumnIndex ?? 0) + j] ?? "";
      }
      return { reply: {} };
    }
    return { error: `unsupported request ${Object.keys(r)[0]}` };
  }

  /** values.get of a whole tab (the cell part of the range is ignored); like Google, trailing empty cells and rows are dropped. */
  private valuesGet(sheets: FakeSheet[], range: string): FakeResponse {
    const { tab } = parseRange(range.replace(/:[A-Z]*\d*$/, ""));
    const sheet = sheets.find((s) => s.title === tab);
    if (!sheet) return badRequest(`Unable to parse range: ${range}`);
    const empty = (v: unknown) => v === "" || v === null || v === undefined;
    const values = sheet.rows.map((r) => {
      const row = [...(r ?? [])];
      while (row.length && empty(row.at(-1))) row.pop();
      return row;
    });
    while (values.length && values.at(-1)!.length === 0) values.pop();
    return { body: { range, majorDimension: "ROWS", ...(values.length ? { values } : {}) } };
  }

  private valuesBatchUpdate(sheets: FakeSheet[], body: any, bytes: number): FakeResponse {
    for (const d of body?.data ?? []) {
      const { tab, row, col } = parseRange(d.range);
      const sheet = sheets.find((s) => s.title === tab);
      if (!sheet) return badRequest(`Unable to parse range: ${d.range}`);
      const values: unknown[][] = d.values ?? [];
      if (values.some((row) => row.some((v) => typeof v === "string" && v.length > MAX_CELL_CHARS)))
        return badRequest("Your input contains more than the maximum of 50000 characters in a single cell.");
      const width = values.reduce((w, v) => Math.max(w, v.length), 0);
      if (row - 1 + values.length > sheet.rowCount || col - 1 + width > sheet.columnCount) {
        return badRequest(
          `Range (${d.range}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
        );
      }
      values.forEach((v, i) => (sheet.rows[row - 1 + i] = v));
      this.valueWrites.push({
        range: d.range,
        rows: values.length,
        cells: values.reduce((n, v) => n + v.length, 0),
        bytes,
        valueInputOption: body.valueInputOption,
      });
    }
    return { body: { totalUpdatedCells: this.valueWrites.at(-1)?.cells ?? 0 } };
  }
}

function frozenError(sheet: FakeSheet): string | undefined {
  if ((sheet.frozenRowCount ?? 0) >= sheet.rowCount) return "You can't freeze all visible rows on the sheet.";
  return undefined;
}

function eachCell(sheet: FakeSheet, range: any, fn: (row: number, col: number) => void): void {
  for (let r = range.startRowIndex ?? 0; r < (range.endRowIndex ?? sheet.rowCount); r++)
    for (let c = range.startColumnIndex ?? 0; c < (range.endColumnIndex ?? sheet.columnCount); c++) fn(r, c);
}

function parseRange(a1: string): { tab: string; row: number; col: number } {
  const m = /^(?:'((?:[^']|'')+)'|([^!]+))(?:!([A-Z]+)(\d+))?$/.exec(a1);
  if (!m) return { tab: a1, row: 1, col: 1 };
  const tab = m[1] !== undefined ? m[1].replaceAll("''", "'") : m[2]!;
  const letters = m[3] ?? "A";
  let col = 0;
  for (const ch of letters) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { tab, row: Number(m[4] ?? 1), col };
}

function notFound(what: string): FakeResponse {
  return { status: 404, body: { error: { code: 404, message: `Requested entity was not found: ${what}` } } };
}

function badRequest(message: string): FakeResponse {
  return { status: 400, body: { error: { code: 400, message, status: "INVALID_ARGUMENT" } } };
}
