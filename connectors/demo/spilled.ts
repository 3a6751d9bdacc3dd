import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RawRecord } from "../../engine/ingest/connector.ts";
import { RecordsText } from "../../engine/ingest/records-text.ts";
import { room } from "./columns.ts";
import { BATCH_TEXT, ShapeKinds } from "./json-lines.ts";

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
 * file rather than in the heap: what stays in memory is a key and a place per record (five numbers),
 * so a stream of a million large records sorts in a few dozen MB. They come back as their JSON lines
 * (RecordsText), which the lake writer spools as they are: the bytes it would write for JSON.parse of
 * each line, without parsing them back (a batch of 10,000 HubSpot deals is ≈20 MB of JSON and, parsed,
 * several times that in the heap). Each batch carries the shape its records have, merged from the
 * shapes of the kinds of record in it, each computed once, when the first record of that kind was added.
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
  /** each record's kind of shape: its index in `shapes` */
  private kinds = new Float64Array(1024);
  private readonly shapes = new ShapeKinds();
  private n = 0;

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
    this.kinds = room(this.kinds, this.n);
    this.offsets[i] = this.written + this.pendingBytes;
    this.lengths[i] = length;
    this.keys[i] = key;
    this.ids[i] = id;
    this.kinds[i] = this.shapes.id(record, line);
    this.pending.push(line);
    this.pendingBytes += length;
    if (this.pendingBytes >= WRITE_BYTES) this.drain();
  }

  /**
   * The records by key, then id, then the order they were added in (a stable sort of the records
   * by key and id), `size` at a time or fewer where their JSON reaches BATCH_TEXT.
   */
  *sorted(size: number): Generator<RecordsText> {
    this.drain();
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const { keys, ids } = this;
    order.sort((a, b) => keys[a]! - keys[b]! || ids[a]! - ids[b]! || a - b);
    yield* this.batches(order, size);
  }

  /** The records in the order they were added, batched as `sorted` batches them. */
  *inOrder(size: number): Generator<RecordsText> {
    this.drain();
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    yield* this.batches(order, size);
  }

  private *batches(order: Uint32Array, size: number): Generator<RecordsText> {
    for (let from = 0; from < order.length; ) {
      let to = from;
      for (let bytes = 0; to < order.length && to - from < size && bytes < BATCH_TEXT; to++)
        bytes += this.lengths[order[to]!]! + 1;
      yield this.read(order.subarray(from, to));
      from = to;
    }
  }

  /** Closes the file (already unlinked: its space is freed now); the records are gone. */
  close(): void {
    closeSync(this.fd);
  }

  /** These records' JSON lines, read into one buffer of their own, with the shape they have together. */
  private read(which: Uint32Array): RecordsText {
    let total = 0;
    for (const i of which) total += this.lengths[i]! + 1;
    const buf = Buffer.allocUnsafe(total);
    const kinds = new Set<number>();
    let at = 0;
    for (const i of which) {
      const end = at + this.lengths[i]!;
      for (let pos = this.offsets[i]!; at < end; ) {
        const n = readSync(this.fd, buf, at, end - at, pos);
        if (n <= 0) throw new Error(`the demo's record file ended early (record ${i})`);
        at += n;
        pos += n;
      }
      buf[at++] = 0x0a; // \n
      kinds.add(this.kinds[i]!);
    }
    return new RecordsText(buf, which.length, this.shapes.shape(kinds));
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
