/**
 * Go standard-library parsers that Reloader relies on, reproduced so that the same annotation
 * value means the same thing here as in the controller (`strconv.ParseBool`, `time.ParseDuration`,
 * and the RE2 subset `regexp.Compile` accepts).
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

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go `time.ParseDuration` (e.g. `1h30m`, `90s`, `1.5m`, `300ms`, `0`) in milliseconds, or undefined
 * when Go would reject the text. A bare number other than 0 has no unit and is rejected, as in Go.
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const match = part.exec(rest);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) return undefined;
    const value = Number(`${match[1] || '0'}.${match[2] || '0'}`);
    total += value * DURATION_UNITS[match[3]];
    rest = rest.slice(match[0].length);
  }
  return sign * total;
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
