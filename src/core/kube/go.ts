import { RE2JS } from 're2js';

/**
 * Go standard-library parsers that Reloader's selection relies on, reproduced so that the same
 * annotation value means the same thing here as in the controller (`strconv.ParseBool`, and Go's
 * `regexp`, which is RE2). The emulator's `time.ParseDuration`, for the pause-period, is in
 * src/playground/kube/reloader-plan.ts: no action reads that annotation.
 */

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go `strconv.ParseBool`: the value, or undefined when Go would return an error. */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return undefined;
}

/** A compiled Go regexp: `test` is Go's `(*Regexp).MatchString`, a match anywhere in the text. */
export interface GoRegex {
  test(text: string): boolean;
}

/**
 * Compiles a pattern as Go's `regexp.Compile` does, with RE2JS (the RE2 engine Go's package is a port of):
 * POSIX classes (`[[:alnum:]]`), Unicode classes (`\pL`), `(?P<name>…)` and flag groups are accepted; look-around,
 * back-references and repeat counts above 1000 are errors, as in Go. Throws the parser's message on error.
 */
export function compileGoRegex(pattern: string): GoRegex {
  const re = RE2JS.compile(pattern);
  return { test: (text) => re.test(text) };
}
