import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureVerdict = { ok: true } | { ok: false; status: 400 | 401; reason: string };

/**
 * Stripe's scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`,
 * possibly several v1 entries while a secret is being rolled. The timestamp is signed, so a
 * tolerance on it stops replays of captured deliveries.
 */
export function verifyStripeSignature(
  header: string | null,
  payload: string,
  secret: string,
  nowMs: number,
  toleranceSeconds: number,
): SignatureVerdict {
  if (!header) return { ok: false, status: 401, reason: "missing Stripe-Signature header" };
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d+$/.test(value)) t = Number(value);
    else if (key === "v1") signatures.push(value);
  }
  if (t === undefined || signatures.length === 0)
    return { ok: false, status: 400, reason: "malformed Stripe-Signature header (expected t=<unix>,v1=<hex>)" };
  const expected = createHmac("sha256", secret).update(`${t}.${payload}`).digest();
  const matches = signatures.some((s) => {
    if (!/^[0-9a-f]+$/i.test(s) || s.length !== expected.length * 2) return false;
    return timingSafeEqual(Buffer.from(s, "hex"), expected);
  });
  if (!matches) return { ok: false, status: 401, reason: "signature does not match the signing secret" };
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds)
    return { ok: false, status: 401, reason: `timestamp is outside the ${toleranceSeconds}s tolerance` };
  return { ok: true };
}

export function signStripePayload(payload: string, secret: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${payload}`).digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}
