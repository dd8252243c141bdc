/**
 * Errors the CLI knows how to print: one line, no stack, exit 2 (UsageError / InputError).
 * Anything else is a bug and is re-thrown with its stack.
 */
export class UserError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags or arguments. */
export class UsageError extends UserError {}

/** A path or input file that cannot be used (missing, unreadable, wrong kind). */
export class InputError extends UserError {}

/** Whether the CLI should print the error as one line (a known user error) rather than re-throw it. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * A command that could not finish for a reason outside the code (disk full, a blob that fails its
 * hash, a lock held too long): one line, exit 1, and nothing half-written left behind.
 */
export class OperationError extends UserError {
  override readonly exitCode: number = 1;
}
