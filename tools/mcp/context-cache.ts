import type { Project } from "../../engine/config/project.ts";
import { currentPointer } from "../../engine/warehouse/snapshots.ts";
import { createToolContext, type ToolContext } from "../context.ts";

const MAX_AGE_MS = 30_000;

/**
 * A long-lived server must not answer from a snapshot a later `dp run` replaced, nor from freshness
 * read minutes ago: reuse the context while the published snapshot is the same and it is recent.
 */
export function contextCache(project: Project): { get(): ToolContext; close(): void } {
  let cached: { ctx: ToolContext; pointer: string; at: number } | undefined;
  return {
    get() {
      const pointer = currentPointer(project)?.file ?? "";
      if (cached && cached.pointer === pointer && Date.now() - cached.at < MAX_AGE_MS) return cached.ctx;
      cached?.ctx.close();
      cached = { ctx: createToolContext(project), pointer, at: Date.now() };
      return cached.ctx;
    },
    close() {
      cached?.ctx.close();
      cached = undefined;
    },
  };
}
