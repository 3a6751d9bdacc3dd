import type { Ran } from "../../helpers.ts";

/** Under `--json` an error is `{"error": {"code", …}}` on stdout; else an `error[CODE]:` line on stderr. */
function jsonErrorCode(stdout: string): string | undefined {
  try {
    const code = (JSON.parse(stdout) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** A clean failure: exit code as promised, an error with its code (a failed `dp run` reports per step instead), no stack frames, no INTERNAL. */
export function cleanFailure(r: Ran, codes: number[], options: { errorLine?: boolean } = {}): string | undefined {
  if (r.hung) return "hung";
  if (!codes.includes(r.code)) return `exit ${r.code} (expected ${codes.join("/")}): ${r.stderr.slice(0, 300)}`;
  const jsonCode = jsonErrorCode(r.stdout);
  if (r.code !== 0 && options.errorLine !== false && !jsonCode && !/error\[[A-Z_]+\]/.test(r.stderr))
    return `no error[CODE] line: ${r.stderr.slice(0, 300)}`;
  if (/error\[INTERNAL\]/.test(r.stderr) || jsonCode === "INTERNAL")
    return `internal error: ${r.stderr.slice(0, 300)}${r.stdout.slice(0, 300)}`;
  // a JS stack frame, not dp's own "  at project.yaml:5:3" location line
  if (/^\s+at .*\.(?:ts|js|mjs|cjs)(?::\d+){2}\)?$/m.test(r.stderr + r.stdout))
    return `stack trace: ${r.stderr.slice(0, 300)}`;
  return undefined;
}
