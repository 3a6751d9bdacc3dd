interface Sleeper<L> {
  live: L;
  /** join order: who comes first among customers due the same day */
  seq: number;
  day: number;
}

/** Live customers by the day they next have something to do, then by join order (a binary heap). */
export class WakeQueue<L> {
  private heap: Sleeper<L>[] = [];
  private joined = 0;

  join(live: L, day: number): void {
    this.push({ live, seq: this.joined++, day });
  }

  /** Everyone due by `day`, in join order; each is out of the queue until `sleep`ed again. */
  due(day: number): Sleeper<L>[] {
    const out: Sleeper<L>[] = [];
    while (this.heap.length > 0 && this.heap[0]!.day <= day) out.push(this.pop());
    return out.sort((a, b) => a.seq - b.seq);
  }

  sleep(s: Sleeper<L>, day: number): void {
    s.day = day;
    this.push(s);
  }

  private before(a: Sleeper<L>, b: Sleeper<L>): boolean {
    return a.day < b.day || (a.day === b.day && a.seq < b.seq);
  }

  private push(s: Sleeper<L>): void {
    const h = this.heap;
    let i = h.push(s) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(s, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = s;
  }

  private pop(): Sleeper<L> {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const child = r < h.length && this.before(h[r]!, h[l]!) ? r : l;
        if (!this.before(h[child]!, last)) break;
        h[i] = h[child]!;
        i = child;
      }
      h[i] = last;
    }
    return top;
  }
}
