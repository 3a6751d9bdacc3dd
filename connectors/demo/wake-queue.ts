import { room } from "./columns.ts";

const SEQ_BITS = 2 ** 32;

/**
 * Live customers by the day they next have something to do, then by join order: a binary heap
 * of numbers (day and join order in one), so a million sleeping customers are one array, not a
 * million small objects for the garbage collector to walk.
 */
export class WakeQueue<L> {
  private heap = new Float64Array(1024);
  private size = 0;
  private joined = 0;
  private readonly lives = new Map<number, L>();

  /** Adds a customer due on `day`; what comes back is its place in the join order. */
  join(live: L, day: number): number {
    const seq = this.joined++;
    this.lives.set(seq, live);
    this.push(day * SEQ_BITS + seq);
    return seq;
  }

  /** Everyone due by `day`, in join order; each is out of the queue until put back with `sleep`. */
  due(day: number): number[] {
    const out: number[] = [];
    const end = (day + 1) * SEQ_BITS;
    while (this.size > 0 && this.heap[0]! < end) out.push(this.pop() % SEQ_BITS);
    return out.sort((a, b) => a - b);
  }

  live(seq: number): L {
    return this.lives.get(seq)!;
  }

  /** Puts a customer back until `day`; one never due again (Infinity) is let go. */
  sleep(seq: number, day: number): void {
    if (day === Number.POSITIVE_INFINITY) this.lives.delete(seq);
    else this.push(day * SEQ_BITS + seq);
  }

  leave(seq: number): void {
    this.lives.delete(seq);
  }

  private push(key: number): void {
    this.heap = room(this.heap, this.size + 1);
    const h = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= key) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = key;
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const child = l + 1 < this.size && h[l + 1]! < h[l]! ? l + 1 : l;
      if (h[child]! >= last) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
    return top;
  }
}
