/**
 * One error type for the whole suite: what failed, where (cluster, link, topic, object),
 * and what the user should do about it. Entries catch it, prefix the action name and call setFailed.
 */
export interface ActionErrorOptions {
  /** Where it happened, e.g. `cluster lkc-123, link dr-link`. */
  where?: string;
  /** What the user should do next. */
  fix?: string;
  /** The lower-level error, kept for debugging (never printed with secrets). */
  cause?: unknown;
}

export class ActionError extends Error {
  readonly where?: string;
  readonly fix?: string;

  constructor(message: string, options: ActionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ActionError';
    this.where = options.where;
    this.fix = options.fix;
  }

  /** The full sentence shown to users: `what (where). fix`. */
  describe(): string {
    let text = this.message;
    if (this.where) text += ` (${this.where})`;
    if (this.fix) text += `. ${this.fix}`;
    return text;
  }
}

/** A bad action input: names the input, the value (unless secret) and the accepted form. */
export class InputError extends ActionError {
  readonly input: string;

  constructor(input: string, problem: string, accepted: string) {
    super(`input '${input}' ${problem}; expected ${accepted}`);
    this.name = 'InputError';
    this.input = input;
  }
}

/** Turns anything thrown into one readable line. */
export function describeError(err: unknown): string {
  if (err instanceof ActionError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
