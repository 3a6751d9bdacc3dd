import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from "node:fs";
import { open, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Write a file so a reader sees either the old or the new content, never a part. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  fsyncPath(tmp);
  renameSync(tmp, path);
  fsyncPath(dirname(path));
}

export function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // directories cannot be fsynced on every platform; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * `writeFileAtomic` with its writes and fsyncs on the thread pool, for a caller whose thread has other
 * work meanwhile (a pull fetching the next pages): the same steps in the same order, so the same durability.
 */
export async function writeFileAtomicAsync(path: string, content: string | Uint8Array): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await fsyncPathAsync(tmp);
  await rename(tmp, path);
  await fsyncPathAsync(dirname(path));
}

/** `fsyncPath` on the thread pool: resolves once the file (or directory) is on disk. */
export async function fsyncPathAsync(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch {
    // directories cannot be fsynced on every platform; the rename is still atomic
  } finally {
    await handle?.close();
  }
}
