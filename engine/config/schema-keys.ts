import type { z } from "zod";

type Def = { type: string; [k: string]: any };

const defOf = (schema: unknown): Def | undefined =>
  (schema as { _zod?: { def: Def } } | undefined)?._zod?.def ?? (schema as { def?: Def } | undefined)?.def;

/** Every object schema a value at this point may have to match: wrappers, unions and pipes opened. */
function objectsOf(schema: unknown, depth = 0): Def[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  switch (def.type) {
    case "object":
      return [def];
    case "union":
      return (def.options as unknown[]).flatMap((o) => objectsOf(o, depth + 1));
    case "intersection":
      return [...objectsOf(def.left, depth + 1), ...objectsOf(def.right, depth + 1)];
    case "pipe":
      return objectsOf(def.in, depth + 1);
    case "lazy":
      return objectsOf(def.getter(), depth + 1);
    default:
      return def.innerType ? objectsOf(def.innerType, depth + 1) : [];
  }
}

/** The schema of what sits under `key` (a record's values, a list's items, an object's field). */
function childOf(schema: unknown, key: string | number, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  switch (def.type) {
    case "object":
      return key in def.shape ? [def.shape[key]] : [];
    case "record":
      return [def.valueType];
    case "array":
      return [def.element];
    case "union":
      return (def.options as unknown[]).flatMap((o) => childOf(o, key, depth + 1));
    case "intersection":
      return [...childOf(def.left, key, depth + 1), ...childOf(def.right, key, depth + 1)];
    case "pipe":
      return childOf(def.in, key, depth + 1);
    case "lazy":
      return childOf(def.getter(), key, depth + 1);
    default:
      return def.innerType ? childOf(def.innerType, key, depth + 1) : [];
  }
}

/** The keys a mapping at `path` may have, for "did you mean": read from the schema itself. */
export function knownKeysAt(schema: z.ZodType, path: (string | number)[]): string[] {
  let nodes: unknown[] = [schema];
  for (const key of path) nodes = nodes.flatMap((n) => childOf(n, key));
  return [...new Set(nodes.flatMap((n) => objectsOf(n).flatMap((d) => Object.keys(d.shape))))];
}
