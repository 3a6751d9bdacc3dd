import type { Project } from "../../engine/config/project.ts";
import { collectSite, renderSite, type Site } from "../../engine/deliver/docs/site.ts";
import { log } from "../../engine/log.ts";
import { currentPointer } from "../../engine/warehouse/snapshots.ts";

const MAX_AGE_MS = 30_000;

/**
 * The served site, rendered from the published snapshot. A page request never waits for a rebuild
 * when a site is already there: after `dp run` swaps the snapshot (or 30 s, for freshness) the next
 * request starts one in the background and is answered from the previous render.
 */
export class SiteCache {
  private current: { site: Site; pointer: string; at: number } | undefined;
  private refreshing: Promise<Site> | undefined;

  constructor(private readonly project: Project) {}

  async get(): Promise<Site> {
    const pointer = currentPointer(this.project)?.file ?? "";
    const cur = this.current;
    if (cur && cur.pointer === pointer && Date.now() - cur.at < MAX_AGE_MS) return cur.site;
    const next = this.refresh(pointer);
    if (cur) {
      next.catch(() => {});
      return cur.site;
    }
    return next;
  }

  private refresh(pointer: string): Promise<Site> {
    this.refreshing ??= collectSite(this.project)
      .then((data) => {
        const site = renderSite(data, "served");
        this.current = { site, pointer, at: Date.now() };
        return site;
      })
      .catch((e) => {
        if (this.current) log.warn(`dashboards: keeping the previous pages: ${(e as Error).message}`);
        throw e;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
