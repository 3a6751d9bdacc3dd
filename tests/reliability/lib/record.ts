import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** "static": a scan of the code (no attack is tried); its files are reported apart and never counted as tries. */
export type Kind = "fault" | "security" | "static";

/** One row of tests/RELIABILITY.md: a fault or an attack, how often it was tried, what got through. */
export interface Figure {
  key: string;
  kind: Kind;
  title: string;
  /** real tries: faults injected, attacks sent, commands run with the canary in play; never places merely looked at */
  tries: number;
  /** places looked at to decide what was lost (files, posts, requests, assertions), when that differs from tries */
  checked?: number;
  /** records lost or duplicated, marts left partial, attacks that got through, crashes: the goal is 0 */
  lost: number;
  /** what "lost" counts, and what else was checked */
  detail: string;
  file: string;
}

export const RESULTS_DIR = join(import.meta.dir, "..", process.env.DP_RELIABILITY_SOAK ? ".results-soak" : ".results");

/** Write (CI) or add to (soak) the figure for `key`; called before the test asserts, so losses are on record. */
export function record(figure: Figure): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${figure.key}.json`);
  let out = figure;
  if (process.env.DP_RELIABILITY_SOAK && existsSync(path)) {
    const prev = JSON.parse(readFileSync(path, "utf8")) as Figure;
    out = { ...figure, tries: prev.tries + figure.tries, lost: prev.lost + figure.lost };
  }
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
}

/** A tally kept while a test runs: `tally.try(ok)`; failures keep a few examples for the assertion message. */
export class Tally {
  tries = 0;
  lost = 0;
  readonly examples: string[] = [];

  try(ok: boolean, what?: string, amount = 1): void {
    this.tries += 1;
    if (!ok) {
      this.lost += amount;
      if (what && this.examples.length < 8) this.examples.push(what);
    }
  }
}
