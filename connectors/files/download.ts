import { join } from "node:path";
import { DpError } from "../../engine/errors.ts";
import { redact } from "../../engine/secrets.ts";
import type { SourceFile } from "./discover.ts";

/** The URL as it may appear in state, logs and `_dp_file`: a query string can carry a token. */
export function urlKey(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** Fetch a URL into workDir, hashing the content so an unchanged file is skipped next time. */
export async function download(url: string, workDir: string, signal: AbortSignal | undefined): Promise<SourceFile> {
  const key = urlKey(url);
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: "follow" });
  } catch (e) {
    throw new DpError("SOURCE_TRANSIENT", `cannot fetch ${key}: ${redact((e as Error).message)}`, {
      transient: true,
      cause: e,
    });
  }
  if (!res.ok) {
    await res.body?.cancel();
    const status = `${res.status} ${res.statusText}`.trim();
    if (res.status === 401 || res.status === 403) {
      throw new DpError("SOURCE_AUTH", `${key} answered ${status}`, {
        fix: "check the URL's credentials (a token in its query string, from ${ENV})",
      });
    }
    const transient = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new DpError(transient ? "SOURCE_TRANSIENT" : "SOURCE_HTTP", `${key} answered ${status}`, { transient });
  }
  const name = new URL(url).pathname.split("/").pop() || "download";
  const localPath = join(workDir, `${Date.now()}-${name.replace(/[^\w.-]/g, "_")}`);
  const hasher = new Bun.CryptoHasher("sha256");
  const sink = Bun.file(localPath).writer();
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      hasher.update(chunk);
      sink.write(chunk);
      size += chunk.byteLength;
    }
  }
  await sink.end();
  return { key, localPath, fingerprint: { size, sha256: hasher.digest("hex") } };
}
