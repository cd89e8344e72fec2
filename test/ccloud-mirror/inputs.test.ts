import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/core/errors.js';
import { InputReader } from '../../src/core/inputs.js';
import { getInputs } from '../../src/actions/ccloud-mirror/inputs.js';

const SECRET = 'Zm9vYmFyLXNlY3JldC12YWx1ZS0xMjM0NTY3ODkw';
const BASE = {
  'rest-endpoint': 'https://pkc-1.westeurope.azure.confluent.cloud:443/',
  'cluster-id': 'lkc-dr1',
  'api-key': 'DRKEY1234567890A',
  'api-secret': SECRET,
  'link-name': 'dr-link',
};

function read(values: Record<string, string>, masked: string[] = []) {
  return getInputs(
    new InputReader(
      (name) => values[name] ?? '',
      (v) => masked.push(v),
    ),
  );
}

function errorOf(values: Record<string, string>): InputError {
  try {
    read(values);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no error thrown');
}

describe('ccloud-mirror getInputs', () => {
  it('gives documented defaults and masks the secret first', () => {
    const masked: string[] = [];
    const inputs = read(BASE, masked);
    expect(masked).toEqual([SECRET]);
    expect(inputs).toMatchObject({
      restEndpoint: 'https://pkc-1.westeurope.azure.confluent.cloud:443',
      clusterId: 'lkc-dr1',
      apiKey: 'DRKEY1234567890A',
      apiSecret: SECRET,
      linkName: 'dr-link',
      operation: 'status',
      selection: { kind: 'all' },
      dryRun: false,
      wait: true,
      timeoutMs: 300_000,
      pollIntervalMs: 5000,
      maxLag: undefined,
      force: false,
      chunkSize: 100,
      includePartitionDetail: false,
      requestTimeoutMs: 30_000,
      notices: [],
    });
  });

  it('reads a failover of named topics with a lag guard', () => {
    const inputs = read({
      ...BASE,
      operation: 'Failover',
      'mirror-topics': 'orders, payments\nrefunds,orders',
      'max-lag': '0',
      force: 'true',
      'chunk-size': '250',
      timeout: '90s',
      'poll-interval': '200ms',
    });
    expect(inputs.operation).toBe('failover');
    expect(inputs.selection).toEqual({ kind: 'names', names: ['orders', 'payments', 'refunds'] });
    expect([inputs.maxLag, inputs.force, inputs.chunkSize, inputs.timeoutMs, inputs.pollIntervalMs]).toEqual([0, true, 250, 90_000, 200]);
  });

  it('anchors the pattern so it matches whole topic names', () => {
    const inputs = read({ ...BASE, operation: 'pause', 'mirror-topic-pattern': 'orders-.*' });
    if (inputs.selection.kind !== 'pattern') throw new Error('expected a pattern');
    expect(inputs.selection.pattern.test('orders-eu')).toBe(true);
    expect(inputs.selection.pattern.test('old-orders-eu')).toBe(false);
    expect(inputs.selection.text).toBe('orders-.*');
  });

  it('reads create with source topics', () => {
    const inputs = read({ ...BASE, operation: 'create', 'source-topics': 'a,b' });
    expect(inputs.sourceTopics).toEqual(['a', 'b']);
    expect(inputs.selection).toEqual({ kind: 'all' });
  });

  it('notes inputs that have no effect instead of silently ignoring them', () => {
    expect(read({ ...BASE, operation: 'pause', 'max-lag': '5' }).notices).toEqual([expect.stringContaining("input 'max-lag' has no effect on 'pause'")]);
    expect(read({ ...BASE, 'dry-run': 'true' }).notices).toEqual([expect.stringContaining("input 'dry-run' has no effect on 'status'")]);
  });

  it.each([
    [{ 'rest-endpoint': '' }, "input 'rest-endpoint' is required"],
    [{ 'rest-endpoint': 'pkc-1.confluent.cloud' }, "input 'rest-endpoint' has the value 'pkc-1.confluent.cloud', which is not a URL"],
    [{ 'cluster-id': 'lkc 1' }, "input 'cluster-id' has the value 'lkc 1', which has characters a name cannot have; expected a cluster id"],
    [{ 'api-key': '' }, "input 'api-key' is required"],
    [{ 'link-name': 'dr/link' }, "input 'link-name' has the value 'dr/link'"],
    [
      { operation: 'fail-over' },
      "input 'operation' has the value 'fail-over', which is not allowed; expected one of: status, create, promote, failover, pause, resume, reverse-and-start-mirror, reverse-and-pause-mirror, truncate-and-restore",
    ],
    [{ 'mirror-topics': 'a', 'mirror-topic-pattern': 'b.*' }, "input 'mirror-topics' and input 'mirror-topic-pattern' were both set"],
    [{ 'mirror-topics': 'good,bad topic,also/bad' }, "input 'mirror-topics' has the values 'bad topic', 'also/bad', which are not topic names"],
    [{ 'mirror-topic-pattern': 'orders-(' }, "input 'mirror-topic-pattern' has the value 'orders-('"],
    [{ operation: 'create' }, "input 'source-topics' is required when 'operation' is `create`"],
    [{ operation: 'create', 'source-topics': 'a', 'mirror-topics': 'b' }, "input 'mirror-topics' cannot be used with 'operation: create'"],
    [{ operation: 'failover', 'source-topics': 'a' }, "input 'source-topics' is only for 'operation: create' but operation is 'failover'"],
    [{ 'dry-run': 'yes' }, "input 'dry-run' has the value 'yes', which is not a boolean"],
    [{ wait: '1' }, "input 'wait' has the value '1', which is not a boolean"],
    [{ force: 'on' }, "input 'force' has the value 'on', which is not a boolean"],
    [{ timeout: 'soon' }, "input 'timeout' has the value 'soon', which is not a duration"],
    [{ timeout: '500ms' }, "input 'timeout' has the value '500ms', which is too short"],
    [{ 'poll-interval': 'often' }, "input 'poll-interval' has the value 'often', which is not a duration"],
    [{ 'max-lag': '-1' }, "input 'max-lag' has the value '-1', which is out of range"],
    [{ 'max-lag': 'ten' }, "input 'max-lag' has the value 'ten', which is not a whole number"],
    [{ 'chunk-size': '0' }, "input 'chunk-size' has the value '0', which is out of range; expected a whole number from 1 to 10000"],
    [{ 'include-partition-detail': 'maybe' }, "input 'include-partition-detail' has the value 'maybe'"],
    [{ 'request-timeout': '1ms' }, "input 'request-timeout' has the value '1ms', which is too short"],
  ])('rejects %p naming the input, the value and the accepted form', (bad, message) => {
    const err = errorOf({ ...BASE, ...bad });
    expect(err.describe()).toContain(message);
    expect(err.describe()).toContain('expected');
    expect(err.describe()).not.toContain(SECRET);
  });

  it('never quotes the secret, even when it is the only input set', () => {
    const err = errorOf({ 'api-secret': SECRET });
    expect(err.input).toBe('rest-endpoint');
    expect(err.describe()).not.toContain(SECRET);
    expect(errorOf({ ...BASE, 'api-secret': '' }).describe()).toContain("input 'api-secret' is required");
  });
});
