import { log } from "../log.ts";

export interface ProgressEvent {
  pages?: number;
  records?: number;
  retries?: number;
}

const TTY_REFRESH_MS = 100;
const PLAIN_EVERY_MS = 30_000;

/**
 * Progress of one stream's pull. On a terminal: one line rewritten in place. Elsewhere (cron
 * logs): a plain line every 30 s while it runs and one summary line when it ends.
 */
export class StreamProgress {
  private records = 0;
  private reported = 0;
  private pages = 0;
  private retries = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;
  private readonly color: boolean;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY) && !process.env.DP_NO_PROGRESS;
    this.color = this.tty && !process.env.NO_COLOR;
    this.lastDraw = this.tty ? 0 : Date.now();
  }

  /** from the connector (the HTTP client reports cumulative pages, records, retries) */
  update(e: ProgressEvent): void {
    if (e.pages !== undefined) this.pages = Math.max(this.pages, e.pages);
    if (e.retries !== undefined) this.retries = Math.max(this.retries, e.retries);
    if (e.records !== undefined) this.reported = Math.max(this.reported, e.records);
    this.tick();
  }

  /** from pull itself, per batch, so connectors that never report still show records */
  landed(count: number): void {
    this.records += count;
    this.tick();
  }

  end(): void {
    if (this.tty) {
      this.out.write(`\r\x1b[2K${this.line(true)}\n`);
      return;
    }
    if (this.total > 0 || this.retries > 0)
      log.info(this.line(true), { scope: this.label, records: this.total, pages: this.pages, retries: this.retries });
  }

  private get total(): number {
    return Math.max(this.records, this.reported);
  }

  private tick(): void {
    const t = Date.now();
    if (this.tty) {
      if (t - this.lastDraw < TTY_REFRESH_MS) return;
      this.lastDraw = t;
      this.out.write(`\r\x1b[2K${this.line(false)}`);
    } else if (t - this.lastDraw >= PLAIN_EVERY_MS) {
      this.lastDraw = t;
      log.info(this.line(false), { scope: this.label, records: this.total, pages: this.pages, retries: this.retries });
    }
  }

  private line(done: boolean): string {
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    const parts = [`${this.total.toLocaleString("en-US")} records`];
    if (this.pages) parts.push(`${this.pages.toLocaleString("en-US")} pages`);
    parts.push(`${Math.round(this.total / seconds).toLocaleString("en-US")} records/s`);
    if (this.retries) parts.push(this.paint(`${this.retries} ${this.retries === 1 ? "retry" : "retries"}`, 33));
    const tail = done ? ` in ${seconds.toFixed(1)} s` : "";
    return `${this.paint(this.label, 1)}: ${parts.join(" · ")}${tail}`;
  }

  private paint(text: string, code: number): string {
    return this.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}
