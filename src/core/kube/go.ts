/**
 * Go standard-library parsers that Reloader's selection relies on, reproduced so that the same
 * annotation value means the same thing here as in the controller (`strconv.ParseBool`, and the RE2
 * subset `regexp.Compile` accepts). The emulator's `time.ParseDuration`, for the pause-period, is in
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

/**
 * Compiles a pattern the way Go's `regexp.Compile` would accept it, as a JavaScript RegExp.
 * RE2 has no look-around and no back-references, so those are errors here too (Reloader logs and
 * skips such an item); `(?P<name>` and leading flag groups like `(?i)` are translated.
 */
export function compileGoRegex(pattern: string): RegExp {
  if (/\(\?<?[=!]/.test(pattern)) throw new Error(`invalid or unsupported Perl syntax in ${JSON.stringify(pattern)}`);
  if (/\\[1-9]/.test(pattern)) throw new Error(`invalid escape sequence in ${JSON.stringify(pattern)}`);
  let source = pattern.replace(/\(\?P</g, '(?<');
  let flags = '';
  // Go accepts `(?flags)` anywhere; only the common "whole pattern" use is translated.
  source = source.replace(/\(\?([imsU]+)\)/g, (_all, f: string) => {
    if (f.includes('U')) throw new Error(`unsupported flag U in ${JSON.stringify(pattern)}`);
    for (const c of f) if (!flags.includes(c)) flags += c;
    return '';
  });
  return new RegExp(source, flags);
}
