import { describe, expect, it } from '@jest/globals';
import { InputReader, splitList } from '../../src/core/inputs.js';
import { InputError } from '../../src/core/errors.js';
import { parseDuration } from '../../src/core/time.js';

function reader(values: Record<string, string>, masked: string[] = []): InputReader {
  return new InputReader(
    (name) => values[name] ?? '',
    (v) => masked.push(v),
  );
}

describe('InputReader', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['', true],
  ])('boolean %p -> %p', (raw, expected) => {
    expect(reader({ flag: raw }).boolean('flag', true)).toBe(expected);
  });

  it.each(['yes', '1', 'on', 'tru'])('rejects boolean %p naming the input, value and accepted form', (raw) => {
    expect(() => reader({ 'dry-run': raw }).boolean('dry-run', false)).toThrow(
      new InputError('dry-run', `has the value '${raw}', which is not a boolean`, '`true` or `false`'),
    );
  });

  it('masks a secret as soon as it is read and never quotes it', () => {
    const masked: string[] = [];
    expect(reader({ 'api-secret': 's3cr3t' }, masked).secret('api-secret', { required: true })).toBe('s3cr3t');
    expect(masked).toEqual(['s3cr3t']);
    let message = '';
    try {
      reader({}).secret('api-secret', { required: true });
    } catch (err) {
      message = (err as InputError).describe();
    }
    expect(message).toContain("input 'api-secret' is required");
  });

  it('parses integers within a range and explains a bad one', () => {
    expect(reader({ n: '42' }).integer('n', { min: 1, max: 100 })).toBe(42);
    expect(reader({}).integer('n', { default: 7 })).toBe(7);
    expect(() => reader({ n: '4.2' }).integer('n', { min: 1 })).toThrow("input 'n' has the value '4.2', which is not a whole number");
    expect(() => reader({ n: '0' }).integer('n', { min: 1, max: 5 })).toThrow('out of range');
  });

  it('parses durations and rejects nonsense', () => {
    expect(reader({ timeout: '90s' }).duration('timeout', '5m')).toBe(90_000);
    expect(reader({}).duration('timeout', '5m')).toBe(300_000);
    expect(() => reader({ timeout: 'soon' }).duration('timeout', '5m')).toThrow("input 'timeout' has the value 'soon', which is not a duration");
  });

  it('refuses a duration longer than a Node.js timer can wait, naming the largest accepted value', () => {
    // 1000h would be clamped by Node to 1 ms, so every request would "time out" at once.
    expect(() => reader({ 'request-timeout': '1000h' }).duration('request-timeout', '30s')).toThrow(
      "input 'request-timeout' has the value '1000h', which is longer than a timer can wait; expected a duration such as `90s`, `5m`, `1h30m` or a number of seconds, at most `596h` (24.8 days)",
    );
    expect(reader({ t: '596h' }).duration('t', '1s')).toBe(596 * 3_600_000);
    expect(reader({ t: '2147483647ms' }).duration('t', '1s')).toBe(2_147_483_647);
    expect(() => reader({ t: '2147483648ms' }).duration('t', '1s')).toThrow('longer than a timer can wait');
  });

  it('accepts a choice case-insensitively and lists the allowed values otherwise', () => {
    const ops = ['status', 'failover'] as const;
    expect(reader({ operation: 'FailOver' }).choice('operation', ops)).toBe('failover');
    expect(() => reader({ operation: 'fail' }).choice('operation', ops)).toThrow(
      "input 'operation' has the value 'fail', which is not allowed; expected one of: status, failover",
    );
  });

  it('validates URLs and regexes', () => {
    expect(reader({ u: 'https://x.example:443/' }).url('u', { required: true })).toBe('https://x.example:443');
    expect(() => reader({ u: 'pkc-123' }).url('u')).toThrow("input 'u' has the value 'pkc-123', which is not a URL");
    expect(() => reader({ r: '(' }).regex('r')).toThrow("input 'r' has the value '('");
  });

  it('refuses credentials inside a URL, masks them first and never quotes the value', () => {
    const masked: string[] = [];
    let message = '';
    try {
      reader({ 'rest-endpoint': 'https://KEY123:p%40ss-word@pkc-1.example:443' }, masked).url('rest-endpoint', { required: true });
    } catch (err) {
      message = (err as InputError).describe();
    }
    expect(message).toContain("input 'rest-endpoint' holds credentials");
    expect(message).not.toContain('KEY123');
    expect(message).not.toContain('p%40ss-word');
    expect(message).not.toContain('p@ss-word');
    expect(masked).toEqual(expect.arrayContaining(['KEY123', 'p%40ss-word', 'p@ss-word']));
  });
});

describe('splitList', () => {
  it.each([
    ['a,b', ['a', 'b']],
    ['a\nb\n', ['a', 'b']],
    [' a , ,b,a ', ['a', 'b']],
    ['', []],
  ])('%p', (text, expected) => expect(splitList(text)).toEqual(expected));
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['30', 30_000],
    ['5 m', undefined],
    ['-1s', undefined],
  ])('%p -> %p', (text, ms) => expect(parseDuration(text)).toBe(ms));
});

describe('systemClock.sleep', () => {
  it('ends as soon as its signal aborts, without rejecting (no timer left to keep the process alive)', async () => {
    const { systemClock } = await import('../../src/core/time.js');
    const controller = new AbortController();
    const sleeping = systemClock.sleep(600_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
    await expect(systemClock.sleep(0)).resolves.toBeUndefined();
  });
});
