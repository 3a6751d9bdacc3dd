import type { StreamSpec } from "../../types.ts";
import type { StreamName } from "../config.ts";
import type { Emitted, World } from "../world.ts";

/** One demo stream: its raw schema and how one customer's records come out, in time order. */
export interface DemoStream {
  name: StreamName;
  spec: StreamSpec;
  windowMs: number;
  leadMs: number;
  entity(world: World, index: number, signupAt: number, after: number): Iterator<Emitted>;
}

export function* inOrder(items: Emitted[]): Generator<Emitted> {
  items.sort((a, b) => a.t - b.t);
  yield* items;
}
