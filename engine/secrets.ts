/**
 * Every value read from the environment for a config key is registered here,
 * and every line dp prints or stores passes through redact() first.
 */
const secretValues = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secretValues.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secretValues) {
    if (out.includes(s)) out = out.split(s).join("***");
  }
  return out;
}

/** Config keys named like a secret must come from ${ENV}, never inline. */
export const SECRET_KEY_PATTERN =
  /(api[_-]?key|token|secret|password|passwd|credentials?|private[_-]?key|auth|authorization|cookie|webhook)$/i;

export function looksSecret(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}
