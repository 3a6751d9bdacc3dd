/**
 * A decision's dollars for one run. Each call reserves its worst case before it is made; a call that
 * could pass the budget waits for the calls in flight (they usually cost less than their worst case),
 * and is not made when even with nothing in flight it could. Once one is refused, the rest are too.
 */
export class Budget {
  private spent = 0;
  private reserved = 0;
  private waiting: (() => void)[] = [];
  exhausted = false;

  constructor(readonly usd: number) {}

  /** true once the estimate is reserved; false when the budget cannot cover it */
  async reserve(estimate: number): Promise<boolean> {
    for (;;) {
      if (this.exhausted || this.spent + estimate > this.usd) {
        this.exhausted = true;
        return false;
      }
      if (this.spent + this.reserved + estimate <= this.usd) {
        this.reserved += estimate;
        return true;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** The call is over: its cost counts as spent before its reservation is released, so no waiter sees neither. */
  settle(estimate: number, cost: number): void {
    this.spent += cost;
    this.reserved -= estimate;
    for (const wake of this.waiting.splice(0)) wake();
  }
}
