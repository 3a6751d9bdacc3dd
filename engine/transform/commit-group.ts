import type { Db } from "../warehouse/duckdb.ts";
import { recordVersions } from "./materialize.ts";

/** How long a group of models may stay uncommitted: a failure rebuilds at most this much work again. */
export const GROUP_BUDGET_MS = 200;

/**
 * Models built one after another share a transaction until it has been open for the budget.
 * A commit per model synced the WAL every time (≈1 ms each, most of a small model's cost); the
 * guarantee is unchanged because a failure rolls the whole group back and the caller rebuilds
 * the models that had passed, each in a transaction of its own (`solo`).
 */
export class CommitGroup<Kind extends string = string> {
  open = false;
  /** models built in the open transaction, in order */
  pending: string[] = [];
  /** models that commit alone: rebuilt after their group rolled back */
  readonly solo = new Set<string>();
  /** the data version of each relation built in the open group (null: none known), written in its transaction */
  private readonly versions = new Map<string, string | null>();
  private startedAt = 0;
  private saved?: { schemas: Set<string>; relations: Map<string, Kind> };

  constructor(
    private readonly db: Db,
    /** the build's view of what exists; restored when a group rolls back */
    private readonly live: { schemas: Set<string>; relations: Map<string, Kind> },
    private readonly budgetMs = GROUP_BUDGET_MS,
  ) {}

  async begin(): Promise<void> {
    if (this.open) return;
    await this.db.run("BEGIN TRANSACTION");
    this.open = true;
    this.startedAt = Date.now();
    this.saved = { schemas: new Set(this.live.schemas), relations: new Map(this.live.relations) };
  }

  /**
   * A model is live once built; it is pending only when its transaction is still open (a large model commits on
   * its own, and its swap records its version). `version`: the data version its rows are, recorded at the commit.
   */
  built(name: string, schema: string, relation: string, kind: Kind, version: string | null): void {
    if (this.open) {
      this.pending.push(name);
      this.versions.set(relation, version);
    }
    this.live.schemas.add(schema);
    this.live.relations.set(relation, kind);
  }

  due(name: string): boolean {
    return this.solo.has(name) || Date.now() - this.startedAt >= this.budgetMs;
  }

  async commit(): Promise<void> {
    if (!this.open) return;
    try {
      await recordVersions(this.db, this.versions);
      await this.db.run("COMMIT");
    } catch (e) {
      await this.rollback();
      throw e;
    }
    this.open = false;
    this.pending = [];
    this.versions.clear();
  }

  /** Rolls the open group back and returns the models that had been built in it. */
  async rollback(): Promise<string[]> {
    if (!this.open) return [];
    await this.db.run("ROLLBACK").catch(() => {});
    this.open = false;
    this.versions.clear();
    const { schemas, relations } = this.saved!;
    this.live.schemas.clear();
    for (const s of schemas) this.live.schemas.add(s);
    this.live.relations.clear();
    for (const [k, v] of relations) this.live.relations.set(k, v);
    const done = this.pending;
    this.pending = [];
    return done;
  }
}
