import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyDirect, directCopyPossible, fileHashDirect } from "../../../engine/warehouse/direct-copy.ts";
import { fileHash } from "../../../engine/warehouse/table-parts.ts";

const dirs: string[] = [];
function dir(under = tmpdir()): string {
  const d = mkdtempSync(join(under, "dp-direct-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** 20 MB and 12 KB of varied bytes: three 8 MB blocks, the last a short one, in whole 4 KB blocks. */
function sample(path: string): Buffer {
  const bytes = Buffer.alloc(20 * 1024 * 1024 + 12 * 1024);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
  writeFileSync(path, bytes);
  return bytes;
}

describe.skipIf(process.platform !== "linux")("a base copied with O_DIRECT", () => {
  test("the copy has the source's bytes, and the hash is fileHash's chain of the source, read back from disk alike", async () => {
    const d = dir();
    const src = join(d, "src.duckdb");
    const bytes = sample(src);
    expect(directCopyPossible(bytes.length)).toBe(true);
    const hash = copyDirect(src, join(d, "copy.duckdb"));
    // /tmp on tmpfs refuses O_DIRECT: then this is the fallback's test below
    if (hash === undefined) return;
    expect(hash).toBe(fileHash(src));
    expect(readFileSync(join(d, "copy.duckdb")).equals(bytes)).toBe(true);
    expect(await fileHashDirect(join(d, "copy.duckdb"))).toBe(hash);
  });

  test("a byte changed in the copy is found by the read-back from disk", async () => {
    const d = dir();
    const src = join(d, "src.duckdb");
    sample(src);
    const hash = copyDirect(src, join(d, "copy.duckdb")) ?? fileHash(src);
    if (!existsSync(join(d, "copy.duckdb"))) writeFileSync(join(d, "copy.duckdb"), readFileSync(src));
    const fd = openSync(join(d, "copy.duckdb"), "r+");
    writeSync(fd, Buffer.from([0xff]), 0, 1, 17 * 1024 * 1024 + 5);
    closeSync(fd);
    expect(await fileHashDirect(join(d, "copy.duckdb"))).not.toBe(hash);
  });

  test("on tmpfs (O_DIRECT refused before Linux 6.6) either the right copy or undefined and nothing left", async () => {
    if (!existsSync("/dev/shm")) return;
    const d = dir("/dev/shm");
    const src = join(d, "src.duckdb");
    const bytes = sample(src);
    const hash = copyDirect(src, join(d, "copy.duckdb"));
    if (hash === undefined) expect(existsSync(join(d, "copy.duckdb"))).toBe(false);
    else {
      expect(hash).toBe(fileHash(src));
      expect(readFileSync(join(d, "copy.duckdb")).equals(bytes)).toBe(true);
    }
    expect(await fileHashDirect(src)).toBe(fileHash(src));
  });

  test("a size not in whole 4 KB blocks does not take the direct path", () => {
    expect(directCopyPossible(4096 * 3 + 1)).toBe(false);
    expect(directCopyPossible(4096 * 3)).toBe(true);
  });
});
