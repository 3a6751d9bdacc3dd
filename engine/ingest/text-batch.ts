import type { Batch, RawRecord, StreamState } from "./connector.ts";
import { parseJson } from "./exact-json.ts";
import type { RecordsText } from "./records-text.ts";

/**
 * A batch whose records are already NDJSON text (records-text.ts); the writer spools the text as is.
 * Anything else that reads `records` gets them parsed from that text.
 */
export class TextBatch implements Batch {
  private parsed: RawRecord[] | undefined;

  constructor(
    readonly text: RecordsText,
    readonly state?: StreamState,
  ) {}

  get records(): RawRecord[] {
    return (this.parsed ??= this.text.ndjson
      .split("\n")
      .slice(0, this.text.count)
      .map((line) => parseJson<RawRecord>(line)));
  }
}
