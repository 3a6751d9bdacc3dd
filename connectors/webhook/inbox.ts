import {
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  closeSync,
  fstatSync,
  ftruncateSync,
  rmSync,
  statSync,
} from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { fsyncPath } from "../../engine/atomic-write.ts";

/** One spooled delivery: the verified event plus when it arrived. */
export interface InboxEvent {
  id: string;
  received_at: string;
  event: Record<string, unknown>;
}

export function inboxDir(lakeDir: string, source: string): string {
  return join(lakeDir, "inbox", source);
}

/** Segments are named by UTC date, so old ones can be dropped once drained. */
export function inboxSegments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.ndjson$/.test(f))
    .sort();
}

/**
 * Complete lines of a segment from `offset`: a tail without its newline is a write still in
 * flight (or torn by a crash before it was acknowledged) and is left for later.
 */
export function readSegment(path: string, offset: number): { lines: { text: string; end: number }[]; end: number } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { lines: [], end: offset };
    const buf = Buffer.allocUnsafe(size - offset);
    let read = 0;
    while (read < buf.length) {
      const n = readSync(fd, buf, read, buf.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    const lines: { text: string; end: number }[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0 || nl >= read) break;
      if (nl > start) lines.push({ text: buf.toString("utf8", start, nl), end: offset + nl + 1 });
      start = nl + 1;
    }
    return { lines, end: offset + start };
  } finally {
    closeSync(fd);
  }
}

/** A torn tail (no newline) was never acknowledged; cut it so the next append starts a clean line. */
export function repairTornTail(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const window = Math.min(size, 1 << 20);
    const buf = Buffer.allocUnsafe(window);
    readSync(fd, buf, 0, window, size - window);
    if (buf[window - 1] === 10) return 0;
    const nl = buf.lastIndexOf(10);
    const keep = nl < 0 ? (size > window ? size : 0) : size - window + nl + 1;
    ftruncateSync(fd, keep);
    return size - keep;
  } finally {
    closeSync(fd);
  }
}

/** Drop segments that are fully drained and older than yesterday (nothing appends to them any more). */
export function removeDrainedSegments(dir: string, offsets: Record<string, number>, today: string): void {
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  for (const f of inboxSegments(dir)) {
    if (f.slice(0, 10) >= yesterday) continue;
    const done = offsets[f];
    if (done !== undefined && done >= statSync(join(dir, f)).size) rmSync(join(dir, f), { force: true });
  }
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The append side: each delivery resolves only after its line is written and fdatasync'ed.
 * Deliveries that arrive while a sync is in flight share the next write + sync (group commit),
 * so a burst costs one fsync per batch, not per event.
 */
export class InboxAppender {
  private queue: Pending[] = [];
  private writing = false;
  private handle: FileHandle | undefined;
  private segment = "";

  constructor(
    private readonly dir: string,
    private readonly today: () => string,
  ) {}

  append(event: InboxEvent): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      if (!this.writing) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0);
        try {
          const fh = await this.file();
          await fh.write(batch.map((p) => p.line).join(""));
          await fh.datasync();
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e);
          await this.closeFile();
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async file(): Promise<FileHandle> {
    const name = `${this.today()}.ndjson`;
    if (this.handle && name === this.segment) return this.handle;
    await this.closeFile();
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, name);
    const created = !existsSync(path);
    if (!created) repairTornTail(path);
    this.handle = await open(path, "a");
    this.segment = name;
    if (created) fsyncPath(this.dir);
    return this.handle;
  }

  private async closeFile(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    this.segment = "";
    await h?.close().catch(() => {});
  }

  async close(): Promise<void> {
    while (this.writing || this.queue.length) await Bun.sleep(1);
    await this.closeFile();
  }
}
