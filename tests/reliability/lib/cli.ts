import type { Ran } from "../../helpers.ts";

/** A clean failure: exit code as promised, an `error[CODE]:` line (a failed `dp run` reports per step instead), no stack frames, no INTERNAL. */
export function cleanFailure(r: Ran, codes: number[], options: { errorLine?: boolean } = {}): string | undefined {
  if (r.hung) return "hung";
  if (!codes.includes(r.code)) return `exit ${r.code} (expected ${codes.join("/")}): ${r.stderr.slice(0, 300)}`;
  if (r.code !== 0 && options.errorLine !== false && !/error\[[A-Z_]+\]/.test(r.stderr))
    return `no error[CODE] line: ${r.stderr.slice(0, 300)}`;
  if (/error\[INTERNAL\]/.test(r.stderr)) return `internal error: ${r.stderr.slice(0, 300)}`;
  // a JS stack frame, not dp's own "  at project.yaml:5:3" location line
  if (/^\s+at .*\.(?:ts|js|mjs|cjs)(?::\d+){2}\)?$/m.test(r.stderr + r.stdout))
    return `stack trace: ${r.stderr.slice(0, 300)}`;
  return undefined;
}
