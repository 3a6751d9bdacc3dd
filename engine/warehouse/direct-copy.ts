import { ptr } from "bun:ffi";
import { closeSync, constants, fdatasyncSync, openSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";

/**
 * Copying a base (the whole checkpointed warehouse file, ≈740 MB for the bench's 10× build) without the page cache.
 *
 * A kernel copy (`copy_file_range`, what `copyFileSync` does on ext4) puts every byte of the copy in the page cache
 * as a second copy of the warehouse's own pages: on the shared 2-core VM that took 1.6–2.0 s of system CPU for
 * 743 MB when the pages had to be found (0.2 s when reusing just-freed ones), and on a 2 GB VM it would evict the lake
 * and the warehouse to hold bytes no reader has asked for yet. Written with O_DIRECT from an aligned buffer, the
 * copy goes to the disk without a page-cache copy (≈0.1 s of CPU, 0.3–0.8 s of wall at ≈1 GB/s) and, with the
 * `fdatasync` here, is on disk before the pointer names it, which the kernel copy never was.
 *
 * Each block is hashed as it is read (the same chain as `fileHash`, so the manifest's hash is unchanged), and the copy
 * is then read back from the disk (O_DIRECT again) and hashed, so what is checked is what the device holds, not the
 * page cache a kernel copy had just filled. The read-back is asynchronous (the thread pool reads; only the hashing is
 * on this thread): the caller overlaps it with the rest of its publish and awaits it before the pointer moves.
 */

/** Bytes per read/write: a multiple of any logical block size O_DIRECT asks alignment to. */
const BLOCK = 8 << 20;
const ALIGN = 4096;

/** An 8 MB buffer whose address is a multiple of ALIGN, as O_DIRECT requires. */
function alignedBuffer(): Buffer {
  const raw = Buffer.allocUnsafe(BLOCK + ALIGN);
  const off = (ALIGN - (ptr(raw) % ALIGN)) % ALIGN;
  return raw.subarray(off, off + BLOCK);
}

/** Whether this platform and file size can take the direct path (Linux; a size in whole 4 KB blocks, as DuckDB's files are). */
export function directCopyPossible(bytes: number): boolean {
  return process.platform === "linux" && typeof constants.O_DIRECT === "number" && bytes % ALIGN === 0;
}

/** An error the filesystem gives for O_DIRECT it does not support (tmpfs, some FUSE and network filesystems). */
function unsupported(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "EINVAL" || code === "EOPNOTSUPP" || code === "ENOTSUP";
}

/**
 * Copies `src` to `dst` (a new file) with O_DIRECT writes, hashing each block as it goes, and syncs it. Returns the
 * source's hash (fileHash's chain), or undefined when the filesystem does not take O_DIRECT (nothing is left at
 * `dst`: the caller copies another way). Other errors (a full disk) are thrown, `dst` removed.
 */
export function copyDirect(src: string, dst: string): string | undefined {
  const buf = alignedBuffer();
  let out: number | undefined;
  const input = openSync(src, "r");
  try {
    try {
      out = openSync(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT, 0o644);
    } catch (e) {
      if (unsupported(e)) return undefined;
      throw e;
    }
    let h = 0n;
    let pos = 0;
    for (let n = readSync(input, buf, 0, BLOCK, pos); n > 0; n = readSync(input, buf, 0, BLOCK, pos)) {
      h = BigInt(Bun.hash.xxHash64(buf.subarray(0, n), h));
      // the last block of a file in whole 4 KB blocks is itself whole blocks: every write is aligned
      for (let done = 0; done < n; ) {
        const m = writeSync(out, buf, done, n - done, pos + done);
        if (m <= 0) throw new Error(`short write to ${dst} at byte ${pos + done}`);
        done += m;
      }
      pos += n;
    }
    fdatasyncSync(out);
    return h.toString(16).padStart(16, "0");
  } catch (e) {
    if (out !== undefined) closeSync(out);
    out = undefined;
    rmSync(dst, { force: true });
    if (unsupported(e)) return undefined;
    throw e;
  } finally {
    if (out !== undefined) closeSync(out);
    closeSync(input);
  }
}

/**
 * fileHash of a file read from the disk with O_DIRECT (the page cache neither used nor filled), its reads on the
 * thread pool. Falls back to buffered reads where O_DIRECT is refused.
 */
export async function fileHashDirect(path: string): Promise<string> {
  const size = statSync(path).size;
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, directCopyPossible(size) ? constants.O_RDONLY | constants.O_DIRECT : "r");
  } catch (e) {
    if (!unsupported(e)) throw e;
    fh = await open(path, "r");
  }
  const buf = alignedBuffer();
  try {
    let h = 0n;
    let pos = 0;
    for (;;) {
      const { bytesRead: n } = await fh.read(buf, 0, BLOCK, pos);
      if (n <= 0) break;
      h = BigInt(Bun.hash.xxHash64(buf.subarray(0, n), h));
      pos += n;
    }
    return h.toString(16).padStart(16, "0");
  } finally {
    await fh.close();
  }
}
