import { createPublicKey, createVerify, generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bearer, FakeServer, type FakeResponse, type RecordedRequest } from "./faults.ts";

const JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

interface FakeSheet {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  frozenRowCount?: number;
  rows: unknown[][];
  notes: Record<string, string>;
}

export interface ValueWrite {
  range: string;
  rows: number;
  cells: number;
  bytes: number;
  valueInputOption: string;
}

/**
 * Google's OAuth token endpoint (checks the JWT-bearer assertion's RS256 signature,
 * issuer, audience and scope) and the slice of Sheets v4 that dp uses:
 * spreadsheets.get, :batchUpdate (addSheet, updateSheetProperties, updateCells note),
 * values:clear and values:batchUpdate. Grid limits are enforced like the real API.
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
    if (req.method === "GET" && rest === "") {
      return {
        body: {
          sheets: sheets.map((s) => ({
            properties: {
              sheetId: s.sheetId,
              title: s.title,
              gridProperties: { rowCount: s.rowCount, columnCount: s.columnCount },
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

  private batchUpdate(sheets: FakeSheet[], body: any): FakeResponse {
    const replies: unknown[] = [];
    for (const r of body?.requests ?? []) {
      if (r.addSheet) {
        const p = r.addSheet.properties;
        if (sheets.some((s) => s.title === p.title))
          return badRequest(`A sheet with the name "${p.title}" already exists.`);
        const sheet: FakeSheet = {
          sheetId: this.nextSheetId++,
          title: p.title,
          rowCount: p.gridProperties?.rowCount ?? 1000,
          columnCount: p.gridProperties?.columnCount ?? 26,
          rows: [],
          notes: {},
        };
        sheets.push(sheet);
        replies.push({ addSheet: { properties: { sheetId: sheet.sheetId, title: sheet.title } } });
      } else if (r.updateSheetProperties) {
        const p = r.updateSheetProperties.properties;
        const sheet = sheets.find((s) => s.sheetId === p.sheetId);
        if (!sheet) return badRequest(`No grid with id: ${p.sheetId}`);
        if (p.gridProperties?.rowCount) sheet.rowCount = p.gridProperties.rowCount;
        if (p.gridProperties?.columnCount) sheet.columnCount = p.gridProperties.columnCount;
        sheet.frozenRowCount = p.gridProperties?.frozenRowCount;
        sheet.rows = sheet.rows.slice(0, sheet.rowCount);
        replies.push({});
      } else if (r.updateCells) {
        const range = r.updateCells.range;
        const sheet = sheets.find((s) => s.sheetId === range.sheetId);
        if (!sheet) return badRequest(`No grid with id: ${range.sheetId}`);
        const note = r.updateCells.rows?.[0]?.values?.[0]?.note;
        if (note !== undefined) sheet.notes[`${range.startRowIndex},${range.startColumnIndex}`] = note;
        replies.push({});
      } else return badRequest(`unsupported request ${Object.keys(r)[0]}`);
    }
    const total = sheets.reduce((n, s) => n + s.rowCount * s.columnCount, 0);
    if (total > 10_000_000)
      return badRequest(
        "This action would increase the number of cells in the workbook above the limit of 10000000 cells.",
      );
    return { body: { replies } };
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
