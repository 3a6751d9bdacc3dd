import type { Encoding } from "./config.ts";

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const SAMPLE_BYTES = 1 << 20;

export type TextEncoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";

export interface EncodingGuess {
  encoding: TextEncoding;
  /** leading bytes to drop (a BOM the decoder would not strip) */
  skip: number;
}

/**
 * The encoding to read a text file with. "latin-1" means windows-1252, as in the
 * WHATWG standard: Excel's "CSV" on Windows writes 0x80 as €, not a control character.
 * In auto mode: a BOM decides; else a valid UTF-8 sample means UTF-8; else windows-1252.
 */
export async function guessEncoding(path: string, configured: Encoding): Promise<EncodingGuess> {
  const head = new Uint8Array(await Bun.file(path).slice(0, SAMPLE_BYTES).arrayBuffer());
  const utf8Bom = UTF8_BOM.every((b, i) => head[i] === b);
  if (configured === "utf-16le" || configured === "utf-16be") return { encoding: configured, skip: 0 };
  if (configured === "latin-1" || configured === "windows-1252")
    return { encoding: "windows-1252", skip: utf8Bom ? 3 : 0 };
  if (configured === "utf-8") return { encoding: "utf-8", skip: 0 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", skip: 0 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", skip: 0 };
  const body = head.subarray(utf8Bom ? 3 : 0);
  return isUtf8Prefix(body, head.length === SAMPLE_BYTES)
    ? { encoding: "utf-8", skip: 0 }
    : { encoding: "windows-1252", skip: utf8Bom ? 3 : 0 };
}

/** Valid UTF-8, allowing a sequence cut at the end of a truncated sample. */
function isUtf8Prefix(bytes: Uint8Array, truncated: boolean): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}

/** Stream a file into UTF-8 without holding it in memory; line breaks are kept, so line numbers still match. */
export async function transcodeToUtf8(src: string, dst: string, guess: EncodingGuess): Promise<void> {
  const decoder = new TextDecoder(guess.encoding);
  const sink = Bun.file(dst).writer({ highWaterMark: 1 << 20 });
  for await (const chunk of Bun.file(src).slice(guess.skip).stream()) {
    sink.write(decoder.decode(chunk, { stream: true }));
  }
  sink.write(decoder.decode());
  await sink.end();
}
