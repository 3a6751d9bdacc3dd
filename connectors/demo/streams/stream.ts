import type { StreamSpec } from "../../../engine/ingest/connector.ts";
import type { StreamName } from "../config.ts";
import type { Emitted, World } from "../world.ts";

/**
 * One demo stream: its raw schema and either how one customer's records come out, in time
 * order (merged by the timeline), or the whole stream already in time order.
 */
export type DemoStream = { name: StreamName; spec: StreamSpec } & (PerCustomer | Ordered);

interface PerCustomer {
  windowMs: number;
  leadMs: number;
  entity(world: World, index: number, signupAt: number, after: number): Iterator<Emitted>;
  ordered?: undefined;
}

interface Ordered {
  /** records in time order, customers in index order at equal times, from after on (at least) */
  ordered(world: World, after: number): Iterator<Emitted>;
}

export function* inOrder(items: Emitted[]): Generator<Emitted> {
  items.sort((a, b) => a.t - b.t);
  yield* items;
}
