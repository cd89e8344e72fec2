import * as core from './runner.js';
import type { Masker } from './runner.js';
import { InputError } from './errors.js';
import { parseDuration } from './time.js';

/** Reads one raw input; '' when unset. Defaults to the runner's `INPUT_*` variables. */
export type InputSource = (name: string) => string;

/** The longest delay Node.js timers honour (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/**
 * The one input parser every action uses. Each getter validates and throws an InputError that
 * names the input, quotes the bad value (never for secrets) and states the accepted form,
 * so a bad input fails before any network call.
 */
export class InputReader {
  constructor(
    private readonly source: InputSource = (name) => core.getInput(name),
    private readonly mask: Masker = core.maskSecret,
  ) {}

  /** True when the input was given a non-empty value. */
  has(name: string): boolean {
    return this.raw(name) !== '';
  }

  string(name: string, options: { required: true }): string;
  string(name: string, options?: { required?: false; default?: string }): string | undefined;
  string(name: string, options: { required?: boolean; default?: string } = {}): string | undefined {
    const value = this.raw(name);
    if (value === '') {
      if (options.required) throw new InputError(name, 'is required but was not set', 'a non-empty value');
      return options.default;
    }
    return value;
  }

  /** A secret: masked the moment it is read, and never quoted in an error. */
  secret(name: string, options: { required: true }): string;
  secret(name: string, options?: { required?: false }): string | undefined;
  secret(name: string, options: { required?: boolean } = {}): string | undefined {
    const value = this.raw(name);
    if (value === '') {
      if (options.required) throw new InputError(name, 'is required but was not set', 'a secret, e.g. `${{ secrets.NAME }}`');
      return undefined;
    }
    this.mask(value);
    return value;
  }

  /** Strict boolean: only true/True/TRUE/false/False/FALSE (YAML 1.2 core schema, as the runner). */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === '') return fallback;
    if (TRUE.includes(value)) return true;
    if (FALSE.includes(value)) return false;
    throw new InputError(name, `has the value '${value}', which is not a boolean`, '`true` or `false`');
  }

  integer(name: string, options: { default?: number; min?: number; max?: number } = {}): number | undefined {
    const value = this.raw(name);
    if (value === '') return options.default;
    const range = rangeText(options.min, options.max);
    if (!/^-?\d+$/.test(value)) {
      throw new InputError(name, `has the value '${value}', which is not a whole number`, `a whole number${range}`);
    }
    const n = Number(value);
    if ((options.min !== undefined && n < options.min) || (options.max !== undefined && n > options.max)) {
      throw new InputError(name, `has the value '${value}', which is out of range`, `a whole number${range}`);
    }
    return n;
  }

  /** A duration in milliseconds: `90s`, `5m`, `1h30m`, `250ms`, or a bare number of seconds. */
  duration(name: string, fallback: string, options: { minMs?: number } = {}): number {
    const value = this.raw(name) || fallback;
    const ms = parseDuration(value);
    const accepted = 'a duration such as `90s`, `5m`, `1h30m` or a number of seconds';
    if (ms === undefined) throw new InputError(name, `has the value '${value}', which is not a duration`, accepted);
    if (options.minMs !== undefined && ms < options.minMs) {
      throw new InputError(name, `has the value '${value}', which is too short`, `${accepted}, at least ${options.minMs}ms`);
    }
    // Node.js fires a longer timer at once (after 1 ms, with a warning): a longer timeout would never wait at all.
    if (ms > MAX_TIMER_MS)
      throw new InputError(name, `has the value '${value}', which is longer than a timer can wait`, `${accepted}, at most \`596h\` (24.8 days)`);
    return ms;
  }

  /** A list separated by commas or newlines; blanks dropped, duplicates kept out. */
  list(name: string): string[] {
    return splitList(this.raw(name));
  }

  /** One of a fixed set of values (compared case-insensitively, returned in canonical form). */
  choice<T extends string>(name: string, values: readonly T[], options: { default?: T } = {}): T {
    const value = this.raw(name);
    if (value === '') {
      if (options.default !== undefined) return options.default;
      throw new InputError(name, 'is required but was not set', `one of: ${values.join(', ')}`);
    }
    const found = values.find((v) => v.toLowerCase() === value.toLowerCase());
    if (!found) throw new InputError(name, `has the value '${value}', which is not allowed`, `one of: ${values.join(', ')}`);
    return found;
  }

  /** An http(s) URL; trailing slashes removed. */
  url(name: string, options: { required: true }): string;
  url(name: string, options?: { required?: false }): string | undefined;
  url(name: string, options: { required?: boolean } = {}): string | undefined {
    const value = options.required ? this.string(name, { required: true }) : this.string(name);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new InputError(
        name,
        `has the value '${value}', which is not a URL`,
        'an absolute URL such as `https://pkc-xxxxx.region.provider.confluent.cloud:443`',
      );
    }
    if (parsed.username || parsed.password) {
      // Credentials in a URL would be printed wherever the endpoint is; mask them first and never quote the value.
      for (const part of [parsed.username, parsed.password, decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)]) this.mask(part);
      throw new InputError(
        name,
        'holds credentials (`user:password@` before the host), which would be printed wherever the endpoint is',
        'a URL without them, such as `https://pkc-xxxxx.region.provider.confluent.cloud:443`; pass the key and secret as their own inputs',
      );
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new InputError(name, `has the value '${value}', which is not an http(s) URL`, 'an https:// URL');
    }
    return value.replace(/\/+$/, '');
  }

  /** A regular expression, compiled to check it. */
  regex(name: string): RegExp | undefined {
    const value = this.raw(name);
    if (value === '') return undefined;
    try {
      return new RegExp(value);
    } catch (err) {
      throw new InputError(
        name,
        `has the value '${value}', which is not a valid regular expression (${(err as Error).message})`,
        'a regular expression such as `orders-.*`',
      );
    }
  }

  private raw(name: string): string {
    return (this.source(name) ?? '').trim();
  }
}

/** Splits a comma- or newline-separated list, trimming items and dropping blanks and repeats. */
export function splitList(text: string): string[] {
  const items = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return [...new Set(items)];
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/** Rejects two inputs that may not be given together. */
export function rejectBoth(inputs: InputReader, a: string, b: string): void {
  if (inputs.has(a) && inputs.has(b)) {
    throw new InputError(a, `and input '${b}' were both set`, `only one of '${a}' or '${b}'`);
  }
}
