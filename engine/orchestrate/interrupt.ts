import { ExitCode } from "../errors.ts";
import { log } from "../log.ts";

export interface Interruptible<T> {
  value: T;
  /** the signal that stopped the work early, if any */
  signal?: "SIGINT" | "SIGTERM";
}

/**
 * SIGINT/SIGTERM abort the work between batches and models (the model being built
 * rolls back or commits whole); a second signal exits at once. Either way the lock's
 * exit hook frees the lock.
 */
let lastSignal: Interruptible<unknown>["signal"];

/** The signal that asked this process to stop, if one did: the run history records such a run as interrupted. */
export function receivedSignal(): Interruptible<unknown>["signal"] {
  return lastSignal;
}

export async function interruptible<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<Interruptible<T>> {
  const controller = new AbortController();
  let received: Interruptible<T>["signal"];
  const onSignal = (sig: "SIGINT" | "SIGTERM") => {
    if (received) {
      log.warn(`${sig} again: exiting now`);
      process.exit(exitCodeFor(sig));
    }
    received = sig;
    lastSignal = sig;
    log.warn(`${sig}: stopping after the current step; run again to resume`);
    controller.abort(new Error(sig));
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    const value = await fn(controller.signal);
    return { value, signal: received };
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}

export function exitCodeFor(sig: "SIGINT" | "SIGTERM"): number {
  return sig === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated;
}
