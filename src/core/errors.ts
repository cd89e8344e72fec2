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
    // The problem quotes the value as given: its control characters (a newline before `::add-mask::`, say) are
    // shown escaped, so the message stays one line wherever it is printed.
    super(`input '${input}' ${visible(problem)}; expected ${accepted}`);
    this.name = 'InputError';
    this.input = input;
  }
}

/** Control characters as escapes (`\n`, `\u001b`): text from outside shown on one line, inert. */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Turns anything thrown into one readable line. */
export function describeError(err: unknown): string {
  if (err instanceof ActionError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
