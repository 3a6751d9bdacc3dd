import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "../../../tools/planner/plan.ts";
import { repoRoot } from "../../helpers.ts";

/** One frame of noise around a question: {q} is the bare question without its final ?/./!, {Q} the same in capitals. */
export interface Frame {
  t: string;
  kind: string;
  src: string[];
}

export interface NoiseFixture {
  frames: Frame[];
  heldout_frames: Frame[];
}

export function noiseFixture(): NoiseFixture {
  return parse(readFileSync(join(repoRoot, "tests/fixtures/question-noise.yaml"), "utf8")) as NoiseFixture;
}

/** FNV-1a: a fixed hash, so a sample is the same on every machine and run. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Every answerable question of the tuning sets (evals/*.yaml and evals/dev/*.yaml; never the holdout): a value, a
 * tool call or a text answer expected, not a refusal or a question back.
 */
export function answerableQuestions(): { id: string; question: string }[] {
  return evalQuestions(["value", "tool", "text"]);
}

/** Every question of the tuning sets that is to be refused or asked back. */
export function refusedQuestions(): { id: string; question: string }[] {
  return evalQuestions(["refuse", "clarify", "refusal"]);
}

function evalQuestions(answers: string[]): { id: string; question: string }[] {
  const files = [
    ...readdirSync(join(repoRoot, "evals"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join("evals", f)),
    ...readdirSync(join(repoRoot, "evals/dev"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join("evals/dev", f)),
  ].sort();
  const out: { id: string; question: string }[] = [];
  for (const f of files) {
    const doc = parse(readFileSync(join(repoRoot, f), "utf8")) as {
      cases?: { id: string; question: string; expect?: { answer?: string; tool?: string; refusal?: unknown } }[];
    };
    for (const c of doc.cases ?? []) {
      const answer = c.expect?.answer ?? (c.expect?.tool ? "tool" : c.expect?.refusal ? "refusal" : undefined);
      if (answer && answers.includes(answer)) out.push({ id: `${f}#${c.id}`, question: c.question });
    }
  }
  return out;
}

/** The questions whose id hashes to `bucket` of `buckets`: a fixed sample no one picked by hand. */
export function sampleOf(bucket: number, buckets: number): { id: string; question: string }[] {
  return answerableQuestions().filter((c) => hash(c.id) % buckets === bucket);
}

/** `count` distinct frames for one question, chosen by hashing its id. */
export function framesFor(id: string, frames: Frame[], count: number): Frame[] {
  const picked: Frame[] = [];
  for (let i = 0; picked.length < Math.min(count, frames.length); i++) {
    const f = frames[hash(`${id}#${i}`) % frames.length]!;
    if (!picked.includes(f)) picked.push(f);
  }
  return picked;
}

export function wrap(question: string, frame: Frame): string {
  const bare = question.trim().replace(/[?.!]+$/, "");
  return frame.t.replaceAll("{q}", bare).replaceAll("{Q}", bare.toUpperCase());
}

/** What a plan reads: its intent and each call's tool and input (metric, period, filters, grain, group by), or the kind of refusal. */
export function readingOf(p: Plan | Refusal): string {
  if (p.status === "refusal") return `refusal:${p.kind ?? "refuse"}`;
  return JSON.stringify([p.intent, p.calls.map((c) => [c.role, c.name, c.input])]);
}

export interface Changed {
  id: string;
  bare: string;
  wrapped: string;
  kind: string;
  before: string;
  after: string;
}

/** Every wrapped question whose reading differs from its bare question's, and how many were wrapped. */
export function changedReadings(
  planQuestion: (q: string, catalog: Catalog, at: Date) => Plan | Refusal,
  catalog: Catalog,
  at: Date,
  sample: { id: string; question: string }[],
  frames: Frame[],
  perQuestion: number,
): { changed: Changed[]; wrapped: number } {
  const changed: Changed[] = [];
  let wrapped = 0;
  for (const c of sample) {
    const bare = readingOf(planQuestion(c.question, catalog, at));
    for (const f of framesFor(c.id, frames, perQuestion)) {
      const q = wrap(c.question, f);
      const reading = readingOf(planQuestion(q, catalog, at));
      wrapped++;
      if (reading !== bare)
        changed.push({ id: c.id, bare: c.question, wrapped: q, kind: f.kind, before: bare, after: reading });
    }
  }
  return { changed, wrapped };
}
