/**
 * An error caused by the user's input (bad flag, malformed scenario file, missing API key).
 * The CLI prints `message` on one line, without a stack trace, and exits with `exitCode`.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

export const EXIT = {
  ok: 0,
  /** The run finished but some rollouts ended in `error`. */
  rolloutErrors: 1,
  /** Bad usage or invalid input (flags, scenario file, config, key). */
  usage: 2,
  /** An unexpected internal failure (a bug): please report it. */
  internal: 3,
} as const;
