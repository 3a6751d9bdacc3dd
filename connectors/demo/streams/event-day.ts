import { EVENT_TYPES } from "../company.ts";
import { room } from "../columns.ts";
import { customerId } from "../lifecycle.ts";
import { DAY, iso } from "../time.ts";
import type { Emitted } from "../world.ts";
import { PROPERTIES } from "./event-properties.ts";

const TIE_BITS = 2 ** 32;

/**
 * One day of every live customer's events, held as numbers until the day is read. The day grows
 * with the number of customers; held as objects, it made each young-generation collection mark
 * more, so the generator's time per event grew with the company (12× the time for 10× the events).
 */
export class EventDay {
  private size = 0;
  private customer = new Int32Array(1024);
  private t = new Float64Array(1024);
  private visibleAt = new Float64Array(1024);
  private k = new Int32Array(1024);
  private seat = new Int32Array(1024);
  private type = new Uint8Array(1024);
  private a = new Float64Array(1024);
  private b = new Float64Array(1024);
  private keys = new Float64Array(1024);

  push(
    customer: number,
    t: number,
    visibleAt: number,
    k: number,
    seat: number,
    type: number,
    a: number,
    b: number,
  ): void {
    const i = this.size++;
    if (this.size > this.t.length) this.grow();
    this.customer[i] = customer;
    this.t[i] = t;
    this.visibleAt[i] = visibleAt;
    this.k[i] = k;
    this.seat[i] = seat;
    this.type[i] = type;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** The day in time order, ties in the order pushed; the day's events all fall inside it. */
  *drain(day: number): Generator<Emitted> {
    const n = this.size;
    const dayStart = day * DAY;
    // whole seconds into the day, then the push order: one number that sorts without a comparator
    const keys = this.keys.subarray(0, n);
    for (let i = 0; i < n; i++) keys[i] = ((this.t[i]! - dayStart) / 1000) * TIE_BITS + i;
    keys.sort();
    this.size = 0;
    for (let j = 0; j < n; j++) {
      const i = keys[j]! % TIE_BITS;
      yield this.event(i, day);
    }
  }

  private event(i: number, day: number): Emitted {
    const cid = customerId(this.customer[i]!);
    const slug = cid.slice(4);
    const t = this.t[i]!;
    return {
      t,
      visibleAt: this.visibleAt[i]!,
      record: {
        event_id: `evt_${slug}_${day}_${this.k[i]}`,
        customer_id: cid,
        user_id: `usr_${slug}_${String(this.seat[i]).padStart(2, "0")}`,
        event_type: EVENT_TYPES[this.type[i]!]![0],
        occurred_at: iso(t),
        properties: PROPERTIES[this.type[i]!]!.make(this.a[i]!, this.b[i]!),
      },
    };
  }

  private grow(): void {
    this.customer = room(this.customer, this.size);
    this.t = room(this.t, this.size);
    this.visibleAt = room(this.visibleAt, this.size);
    this.k = room(this.k, this.size);
    this.seat = room(this.seat, this.size);
    this.type = room(this.type, this.size);
    this.a = room(this.a, this.size);
    this.b = room(this.b, this.size);
    this.keys = room(this.keys, this.size);
  }
}
