/** Exit codes are part of the command contract (PRODUCT.md). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  config: 2,
  locked: 3,
  interrupted: 130,
  terminated: 143,
} as const;

export type DpErrorCode =
  | "CONFIG"
  | "USAGE"
  | "ENV_MISSING"
  | "LOCKED"
  | "SOURCE_AUTH"
  | "SOURCE_HTTP"
  | "SOURCE_DATA"
  | "SOURCE_TRANSIENT"
  | "MODEL_SQL"
  | "MODEL_GRAPH"
  | "TEST_FAILED"
  | "BUILD_FAILED"
  | "NOT_FOUND"
  | "READ_ONLY"
  | "SQL_SYNTAX"
  | "SQL_ERROR"
  | "IO"
  | "PUBLISH"
  | "WAREHOUSE_CORRUPT"
  | "INTERNAL";

export interface DpErrorOptions {
  /** where: file:line or key path */
  where?: string;
  /** what to do about it, ideally a command to run */
  fix?: string;
  /** retrying may help (429, 5xx, resets) */
  transient?: boolean;
  exitCode?: number;
  cause?: unknown;
}

export class DpError extends Error {
  readonly code: DpErrorCode;
  readonly where?: string;
  readonly fix?: string;
  readonly transient: boolean;
  readonly exitCode: number;

  constructor(code: DpErrorCode, message: string, options: DpErrorOptions = {}) {
    super(message, options.cause ? { cause: options.cause } : undefined);
    this.name = "DpError";
    this.code = code;
    this.where = options.where;
    this.fix = options.fix;
    this.transient = options.transient ?? false;
    this.exitCode = options.exitCode ?? defaultExitCode(code);
  }

  /** One block for a human: what, where, fix. Never a stack. */
  format(): string {
    const lines = [`error[${this.code}]: ${this.message}`];
    if (this.where) lines.push(`  at ${this.where}`);
    if (this.fix) lines.push(`  fix: ${this.fix}`);
    return lines.join("\n");
  }

  toJSON() {
    return { code: this.code, message: this.message, where: this.where, fix: this.fix };
  }
}

function defaultExitCode(code: DpErrorCode): number {
  switch (code) {
    case "CONFIG":
    case "USAGE":
    case "ENV_MISSING":
    case "NOT_FOUND":
    case "SQL_SYNTAX":
    case "SQL_ERROR":
      return ExitCode.config;
    case "LOCKED":
      return ExitCode.locked;
    default:
      return ExitCode.failed;
  }
}

const DISK_FULL = /No space left on device|ENOSPC|EDQUOT|Disk quota exceeded/i;

/**
 * A full disk wherever it strikes (DuckDB's checkpoint, a snapshot copy, a file write) reads the same as
 * when the pull's spool hits it: what happened and what to do, never error[INTERNAL].
 */
export function diskFullError(e: unknown): DpError | undefined {
  if (e instanceof DpError && /the disk is full/.test(e.message)) return e;
  const err = e as { code?: string; message?: string } | undefined;
  const message = String(err?.message ?? e);
  if (err?.code !== "ENOSPC" && err?.code !== "EDQUOT" && !DISK_FULL.test(message)) return undefined;
  return new DpError("IO", `the disk is full: ${message.split("\n")[0]}`, {
    fix: "free space on the project's disk (lake, warehouse, .dp) and run again; the published marts are unchanged",
    cause: e,
  });
}

/** Wrap anything thrown into a DpError without losing its message. */
export function asDpError(e: unknown, code: DpErrorCode = "INTERNAL"): DpError {
  const full = diskFullError(e);
  if (full) return full;
  if (e instanceof DpError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DpError(code, message, { cause: e });
}
