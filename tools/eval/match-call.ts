import { isLatest, resolvePeriod } from "../../engine/catalog/period.ts";
import { toolNamed } from "../toolbox/index.ts";

const PERIOD_KEYS = new Set(["period", "current", "previous"]);

export interface CallLike {
  name: string;
  input: Record<string, unknown>;
}

/** The input with the tool's defaults applied, so `filters: []` left out and written out compare equal. */
function withDefaults(call: CallLike): Record<string, unknown> {
  const parsed = toolNamed(call.name).input.safeParse(call.input);
  return parsed.success ? (parsed.data as Record<string, unknown>) : call.input;
}

function samePeriod(expected: unknown, actual: unknown): boolean {
  if (isLatest(expected as never) || isLatest(actual as never))
    return isLatest(expected as never) && isLatest(actual as never);
  try {
    const a = resolvePeriod(expected as never);
    const b = resolvePeriod(actual as never);
    return a.start === b.start && a.end === b.end;
  } catch {
    return deepEqual(expected, actual);
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return (
      ka.length === kb.length &&
      ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

/** Fields of `expected` the call gets wrong, as "key: expected ≠ actual"; empty when it matches. */
export function inputMismatches(expected: Record<string, unknown>, call: CallLike): string[] {
  const actual = withDefaults(call);
  const out: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    const ok =
      PERIOD_KEYS.has(key) && got !== undefined
        ? samePeriod(want, got)
        : deepEqual(want, got ?? (Array.isArray(want) && !want.length ? [] : undefined));
    if (!ok) out.push(`${key}: ${JSON.stringify(want)} ≠ ${JSON.stringify(got ?? null)}`);
  }
  return out;
}

/** The first call of the expected tool whose input matches; else the closest one and why it differs. */
export function findCall<C extends CallLike>(
  calls: C[],
  tool: string,
  input: Record<string, unknown>,
): { call?: C; closest?: C; why: string } {
  const named = calls.filter((c) => c.name === tool);
  if (!named.length) return { why: `expected ${tool}, got ${calls.map((c) => c.name).join(", ") || "no tool call"}` };
  let best: { call: C; diff: string[] } | undefined;
  for (const c of named) {
    const diff = inputMismatches(input, c);
    if (!diff.length) return { call: c, why: "" };
    if (!best || diff.length < best.diff.length) best = { call: c, diff };
  }
  return { closest: best!.call, why: `${tool} ${best!.diff.join("; ")}` };
}
