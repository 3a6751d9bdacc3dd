import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RawRecord } from "../../engine/ingest/connector.ts";
import { room } from "./columns.ts";

/**
 * A temporary file that is gone from its directory as soon as it is open: nothing is left behind
 * by a pull that is killed, or a stream read that is abandoned before its end.
 */
function openUnlinked(): number {
  const dir = mkdtempSync(join(tmpdir(), SPILL_PREFIX));
  try {
    return openSync(join(dir, "records.ndjson"), "w+");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the temporary directories' prefix */
export const SPILL_PREFIX = "dp-demo-spill-";

/** bytes of JSON gathered before they go to the file in one write */
const WRITE_BYTES = 4 * 2 ** 20;

/**
 * Records to hand out in another order than they were made in, kept as JSON lines in a temporary
 * file rather than in the heap: what stays in memory is a key and a place per record (four numbers),
 * so a stream of a million large records sorts in a few dozen MB. Each record comes back as
 * JSON.parse of its JSON.stringify: the same keys in the same order and the same values (what a
 * record could hold that JSON cannot, `undefined` or a function, the lake writer's own stringify drops too).
 */
export class SpilledRecords {
  private readonly fd = openUnlinked();
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;
  private offsets = new Float64Array(1024);
  private lengths = new Float64Array(1024);
  private keys = new Float64Array(1024);
  private ids = new Float64Array(1024);
  private n = 0;
  private buf = Buffer.allocUnsafe(64 * 1024);

  get count(): number {
    return this.n;
  }

  /** Keeps a record with the two numbers it is ordered by. */
  add(record: RawRecord, key: number, id: number): void {
    const line = JSON.stringify(record);
    const length = Buffer.byteLength(line);
    const i = this.n++;
    this.offsets = room(this.offsets, this.n);
    this.lengths = room(this.lengths, this.n);
    this.keys = room(this.keys, this.n);
    this.ids = room(this.ids, this.n);
    this.offsets[i] = this.written + this.pendingBytes;
    this.lengths[i] = length;
    this.keys[i] = key;
    this.ids[i] = id;
    this.pending.push(line);
    this.pendingBytes += length;
    if (this.pendingBytes >= WRITE_BYTES) this.drain();
  }

  /**
   * The records by key, then id, then the order they were added in (a stable sort of the records
   * by key and id), `size` at a time.
   */
  *sorted(size: number): Generator<RawRecord[]> {
    this.drain();
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const { keys, ids } = this;
    order.sort((a, b) => keys[a]! - keys[b]! || ids[a]! - ids[b]! || a - b);
    for (let from = 0; from < this.n; from += size) yield this.read(order.subarray(from, from + size));
  }

  /** The records in the order they were added, `size` at a time. */
  *inOrder(size: number): Generator<RawRecord[]> {
    this.drain();
    const order = new Uint32Array(Math.min(size, this.n));
    for (let from = 0; from < this.n; from += size) {
      const to = Math.min(from + size, this.n);
      for (let i = from; i < to; i++) order[i - from] = i;
      yield this.read(order.subarray(0, to - from));
    }
  }

  /** Closes the file (already unlinked: its space is freed now); the records are gone. */
  close(): void {
    closeSync(this.fd);
  }

  /** These records, read into one JSON array and parsed at once (one string per batch, not per record). */
  private read(which: Uint32Array): RawRecord[] {
    let total = 2;
    for (const i of which) total += this.lengths[i]! + 1;
    if (this.buf.length < total) this.buf = Buffer.allocUnsafe(Math.max(total, 2 * this.buf.length));
    const buf = this.buf;
    buf[0] = 0x5b; // [
    let at = 1;
    for (const i of which) {
      const end = at + this.lengths[i]!;
      for (let pos = this.offsets[i]!; at < end; ) {
        const n = readSync(this.fd, buf, at, end - at, pos);
        if (n <= 0) throw new Error(`the demo's record file ended early (record ${i})`);
        at += n;
        pos += n;
      }
      buf[at++] = 0x2c; // ,
    }
    if (which.length === 0) at++;
    buf[at - 1] = 0x5d; // ]
    return JSON.parse(buf.toString("utf8", 0, at)) as RawRecord[];
  }

  private drain(): void {
    if (this.pendingBytes === 0) return;
    const bytes = Buffer.from(this.pending.join(""));
    for (let off = 0; off < bytes.length; )
      off += writeSync(this.fd, bytes, off, bytes.length - off, this.written + off);
    this.written += bytes.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
