import { CHURN_HAZARD, PLANS, SEATS, TIERS, planFor, type Interval, type Plan, type Tier } from "./company.ts";
import { between, intBetween, resumable, subSeed, weighted, type Rng } from "./random.ts";
import { DAY, HOUR, MINUTE, addMonths, toSecond } from "./time.ts";

/**
 * One customer's billing life, simulated forward from signup with the customer's own PRNG.
 * Every draw happens in time order and none depends on "now", so simulating to a later
 * horizon only appends to the past. The life comes out one billing period at a time, each
 * chunk with a checkpoint of where the rest starts, so a reader can keep a few numbers per
 * customer and simulate a period again when it needs it, never the customer's whole history.
 */
export const SUB_STATUSES = ["trialing", "active", "past_due", "canceled"] as const;
export type SubStatus = (typeof SUB_STATUSES)[number];

export interface SubVersion {
  subscriptionId: string;
  /** the customer's n-th subscription: versions with the same number are one subscription */
  subNo: number;
  plan: Plan;
  status: SubStatus;
  quantity: number;
  startedAt: number;
  trialEndsAt: number | null;
  canceledAt: number | null;
  cancelReason: string | null;
  at: number;
}

export interface InvoiceVersion {
  invoiceId: string;
  subscriptionId: string;
  plan: Plan;
  quantity: number;
  periodStart: number;
  periodEnd: number;
  amountDueCents: number;
  amountPaidCents: number;
  status: "open" | "paid" | "uncollectible";
  createdAt: number;
  paidAt: number | null;
  at: number;
}

export interface PaymentAttempt {
  paymentId: string;
  invoiceId: string;
  amountCents: number;
  attempt: number;
  succeeded: boolean;
  failureCode: string | null;
  at: number;
}

/** The facts of one stretch of a life, each list in time order; nothing later in the life happens before `until`. */
export interface LifeChunk {
  versions: SubVersion[];
  invoices: InvoiceVersion[];
  payments: PaymentAttempt[];
  until: number;
  /** where the rest of the life starts; none once the life is over */
  rest?: LifeCheckpoint;
}

/** Where a life stands between two chunks: enough to simulate the rest without what came before. */
export interface LifeCheckpoint {
  rng: number;
  subNo: number;
  invoiceNo: number;
  paymentNo: number;
  startAt: number;
  withTrial: boolean;
  /** set when the life stopped at a renewal, inside a subscription */
  renewal?: { plan: Plan; quantity: number; status: SubStatus; trialEndsAt: number | null; periodStart: number };
}

const LIFE = 1;
const TRIAL_DAYS = 14;
const TRIAL_CONVERSION = 0.82;
const FIRST_PAYMENT_FAILURE = 0.06;
const RETRY_SUCCESS = 0.6;
const RETRY_GAPS_DAYS = [3, 5, 7];
const REACTIVATION = 0.15;

export function customerId(index: number): string {
  return `cus_${String(index + 1).padStart(6, "0")}`;
}

/** About one account in 37 is the team's own test account; spread evenly so even a tiny company has one. */
export function isTestAccount(seed: number, index: number): boolean {
  return (((index + seed) % 37) + 37) % 37 === 5;
}

/** A life from signup, or from a checkpoint a chunk left: the same chunks either way. */
export function* lifeChunks(
  seed: number,
  index: number,
  signupAt: number,
  horizon: number,
  from?: LifeCheckpoint,
): Generator<LifeChunk> {
  const random = resumable(from ? from.rng : subSeed(seed, index, LIFE));
  const rng = random.rng;
  const isTest = isTestAccount(seed, index);
  const cid = customerId(index);
  let life: LifeChunk = { versions: [], invoices: [], payments: [], until: 0 };
  const cut = (until: number, rest?: LifeCheckpoint["renewal"] | "new"): LifeChunk => {
    const out = settle(life, until);
    if (rest)
      out.rest = {
        rng: random.state(),
        subNo,
        invoiceNo,
        paymentNo,
        startAt,
        withTrial,
        renewal: rest === "new" ? undefined : rest,
      };
    life = { versions: [], invoices: [], payments: [], until: 0 };
    return out;
  };
  let subNo = from?.subNo ?? 0;
  let invoiceNo = from?.invoiceNo ?? 0;
  let paymentNo = from?.paymentNo ?? 0;
  let startAt = from?.startAt ?? signupAt;
  let withTrial = from ? from.withTrial : !isTest;
  let renewal = from?.renewal;

  while (startAt <= horizon) {
    if (!renewal) subNo++;
    const subscriptionId = `sub_${cid.slice(4)}_${subNo}`;
    let plan: Plan;
    let quantity: number;
    let trialEndsAt: number | null;
    let status: SubStatus;
    let periodStart: number;
    let canceledAt: number | null = null;
    let cancelReason: string | null = null;
    const version = (at: number) => {
      life.versions.push({
        subscriptionId,
        subNo,
        plan,
        status,
        quantity,
        startedAt: startAt,
        trialEndsAt,
        canceledAt,
        cancelReason,
        at: toSecond(at),
      });
    };
    if (renewal) {
      ({ plan, quantity, status, trialEndsAt, periodStart } = renewal);
      renewal = undefined;
    } else {
      plan = isTest ? planFor("enterprise", "month") : choosePlan(rng);
      quantity = isTest ? 5 : intBetween(rng, ...SEATS[plan.tier]);
      trialEndsAt = withTrial ? startAt + TRIAL_DAYS * DAY : null;
      status = withTrial ? "trialing" : "active";
      version(startAt);

      periodStart = startAt;
      if (trialEndsAt !== null) {
        const converts = rng() < TRIAL_CONVERSION;
        if (!converts) {
          status = "canceled";
          canceledAt = trialEndsAt;
          cancelReason = "trial_expired";
          version(trialEndsAt);
          yield cut(Number.POSITIVE_INFINITY);
          return;
        }
        status = "active";
        version(trialEndsAt);
        periodStart = trialEndsAt;
      }
    }

    let churnedAt: number | null = null;
    let voluntary = true;
    while (periodStart <= horizon && churnedAt === null) {
      const months = plan.interval === "year" ? 12 : 1;
      const periodEnd = addMonths(periodStart, months);
      const changes: { at: number; apply: () => void }[] = [];

      // the invoice and its payment attempts
      invoiceNo++;
      const invoiceId = `in_${cid.slice(4)}_${String(invoiceNo).padStart(4, "0")}`;
      const createdAt = toSecond(periodStart + intBetween(rng, 1, 50) * MINUTE);
      const amount = plan.priceCents * quantity;
      const invoice: Omit<InvoiceVersion, "status" | "amountPaidCents" | "paidAt" | "at"> = {
        invoiceId,
        subscriptionId,
        plan,
        quantity,
        periodStart,
        periodEnd,
        amountDueCents: amount,
        createdAt,
      };
      life.invoices.push({ ...invoice, status: "open", amountPaidCents: 0, paidAt: null, at: createdAt });
      let attemptAt = createdAt + intBetween(rng, 2, 40) * MINUTE;
      let failures = 0;
      for (;;) {
        const failP = failures === 0 ? FIRST_PAYMENT_FAILURE : 1 - RETRY_SUCCESS;
        const ok = isTest || rng() >= failP;
        paymentNo++;
        life.payments.push({
          paymentId: `py_${cid.slice(4)}_${String(paymentNo).padStart(4, "0")}`,
          invoiceId,
          amountCents: amount,
          attempt: failures + 1,
          succeeded: ok,
          failureCode: ok
            ? null
            : weighted(rng, [
                ["card_declined", 5],
                ["insufficient_funds", 3],
                ["expired_card", 2],
              ] as const),
          at: toSecond(attemptAt),
        });
        const at = attemptAt;
        if (ok) {
          life.invoices.push({
            ...invoice,
            status: "paid",
            amountPaidCents: amount,
            paidAt: toSecond(at),
            at: toSecond(at + 30_000),
          });
          if (failures > 0) changes.push({ at: at + MINUTE, apply: () => (status = "active") });
          break;
        }
        if (failures === 0) changes.push({ at: at + MINUTE, apply: () => (status = "past_due") });
        if (failures === RETRY_GAPS_DAYS.length) {
          life.invoices.push({
            ...invoice,
            status: "uncollectible",
            amountPaidCents: 0,
            paidAt: null,
            at: toSecond(at + HOUR),
          });
          churnedAt = at + HOUR;
          voluntary = false;
          break;
        }
        attemptAt += RETRY_GAPS_DAYS[failures]! * DAY + intBetween(rng, 0, 120) * MINUTE;
        failures++;
      }

      // plan and seat changes during the period, one draw per month
      for (let m = 0; m < months; m++) {
        const monthStart = addMonths(periodStart, m);
        const at = monthStart + between(rng, 1, 27) * DAY;
        const r = rng();
        if (isTest) continue;
        const tierIx = TIERS.indexOf(plan.tier);
        if (r < 0.025 && tierIx < TIERS.length - 1) {
          const next = TIERS[tierIx + 1]!;
          changes.push({
            at,
            apply: () => ((plan = planFor(next, plan.interval)), (quantity = Math.max(quantity, SEATS[next][0]))),
          });
        } else if (r < 0.035 && tierIx > 0) {
          const prev = TIERS[tierIx - 1]!;
          changes.push({
            at,
            apply: () => ((plan = planFor(prev, plan.interval)), (quantity = Math.min(quantity, SEATS[prev][1]))),
          });
        } else if (r < 0.105) {
          const delta = rng() < 0.68 ? intBetween(rng, 1, 3) : -intBetween(rng, 1, 2);
          changes.push({ at, apply: () => (quantity = Math.max(1, quantity + delta)) });
        }
      }

      changes.sort((a, b) => a.at - b.at);
      for (const c of changes) {
        if (churnedAt !== null && c.at >= churnedAt) break;
        c.apply();
        version(c.at);
      }
      if (churnedAt !== null) break;

      // renewal: a customer who decides to leave is canceled at the period end
      const hazard = isTest ? 0 : CHURN_HAZARD[plan.tier];
      const leaves = rng() < (plan.interval === "year" ? 1 - (1 - hazard) ** 8 : hazard);
      if (leaves) churnedAt = periodEnd;
      else {
        periodStart = periodEnd;
        yield cut(periodEnd, { plan, quantity, status, trialEndsAt, periodStart });
      }
    }

    if (churnedAt === null) {
      yield cut(Number.POSITIVE_INFINITY);
      return;
    }
    status = "canceled";
    canceledAt = toSecond(churnedAt);
    cancelReason = voluntary
      ? weighted(rng, [
          ["too_expensive", 4],
          ["missing_features", 3],
          ["switched_service", 2],
          ["unused", 3],
        ] as const)
      : "payment_failed";
    version(churnedAt);
    if (rng() >= REACTIVATION) {
      yield cut(Number.POSITIVE_INFINITY);
      return;
    }
    startAt = churnedAt + intBetween(rng, 20, 200) * DAY + intBetween(rng, 0, 600) * MINUTE;
    withTrial = false;
    yield cut(startAt, "new");
  }
  yield cut(Number.POSITIVE_INFINITY);
}

/** Facts come out in time order; a stable sort keeps same-second changes in causal order. */
function settle(chunk: LifeChunk, until: number): LifeChunk {
  chunk.versions.sort((a, b) => a.at - b.at);
  chunk.invoices.sort((a, b) => a.at - b.at);
  chunk.payments.sort((a, b) => a.at - b.at);
  chunk.until = until;
  return chunk;
}

function choosePlan(rng: Rng): Plan {
  const tier = weighted<Tier>(rng, [
    ["starter", 50],
    ["growth", 30],
    ["pro", 15],
    ["enterprise", 5],
  ]);
  const annual = rng() < (tier === "enterprise" ? 0.45 : 0.18);
  const interval: Interval = annual ? "year" : "month";
  return planFor(tier, interval);
}

export { PLANS };
