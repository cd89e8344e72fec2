import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { RestError, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { murmur2 } from '../../src/playground/confluent/topics.js';
import { bidirectional, records, twoClusters, waitFor } from './rest.js';

let emu: ConfluentEmulator;
beforeEach(async () => ({ emu } = await twoClusters()));
afterEach(() => emu.close());

describe('data plane (the simulated clients’ Kafka protocol)', () => {
  it('hashes keys with Kafka’s murmur2 (the Java client’s test vectors)', () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [text, hash] of cases) expect([text, murmur2(Buffer.from(text))]).toEqual([text, hash]);
  });

  it('places records by partition, by key (stable) or round-robin, and reads them back by offset', () => {
    emu.createTopic('north', 'orders', { partitions: 3 });
    expect(emu.produce('north', 'orders', [{ value: 'a' }, { value: 'b' }, { value: 'c' }])).toEqual([
      { partition: 0, offset: 0 },
      { partition: 1, offset: 0 },
      { partition: 2, offset: 0 },
    ]);
    const keyed = emu.produce('north', 'orders', [
      { key: 'customer-7', value: 'x' },
      { key: 'customer-7', value: 'y' },
    ]);
    expect(keyed[0].partition).toBe(keyed[1].partition);
    expect(keyed[0].partition).toBe((murmur2(Buffer.from('customer-7')) & 0x7fffffff) % 3);
    expect(emu.produce('north', 'orders', [{ value: 'z' }], 2)).toEqual([{ partition: 2, offset: 1 + (keyed[0].partition === 2 ? 2 : 0) }]);
    expect(emu.fetch('north', 'orders', 0, 0, 1)).toEqual([{ offset: 0, value: 'a' }]);
    expect(emu.fetch('north', 'orders', keyed[0].partition, 1)).toEqual([
      { offset: 1, key: 'customer-7', value: 'x' },
      { offset: 2, key: 'customer-7', value: 'y' },
    ]);
    expect(emu.topics('north')).toEqual(['orders']);
    expect(emu.endOffsets('north', 'orders').reduce((a, b) => a + b)).toBe(6);
  });

  it('raises Kafka errors: unknown topic or partition, offset out of range, write to a mirror', async () => {
    bidirectional(emu);
    expect(() => emu.produce('north', 'ghost', [{ value: 'x' }])).toThrow(expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }));
    expect(() => emu.produce('north', 'orders', [{ value: 'x' }], 4)).toThrow(expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }));
    expect(() => emu.fetch('north', 'orders', 0, 1)).toThrow(expect.objectContaining({ code: 'OFFSET_OUT_OF_RANGE' }));
    expect(emu.fetch('north', 'orders', 0, 0)).toEqual([]);
    expect(() => emu.produce('west', 'orders', [{ value: 'x' }])).toThrow("Cannot append records to read-only mirror topic 'orders'");
    emu.produce('north', 'orders', records(2), 0);
    await waitFor('replicated', () => emu.endOffsets('west', 'orders')[0] === 2);
  });

  it('admin setup follows the REST rules and throws RestError', () => {
    emu.createTopic('north', 'orders');
    expect(() => emu.createTopic('north', 'orders')).toThrow(RestError);
    expect(() => emu.createLink('west', 'l', { remote: 'nowhere' })).toThrow(/Cluster nowhere cannot be found/);
    expect(() => emu.createMirror('west', 'missing-link', 'orders')).toThrow("The cluster link doesn't exist.");
    emu.createLink('west', 'l', { remote: 'north' });
    expect(() => emu.createMirror('west', 'l', 'orders', 'renamed')).toThrow(/renaming/);
    emu.deleteTopic('north', 'orders');
    expect(emu.topics('north')).toEqual([]);
    expect(emu.mirrorState('west', 'l', 'orders')).toBeUndefined();
  });

  it('mirrorState works while the cluster itself is unreachable; the data plane does not', async () => {
    bidirectional(emu);
    await emu.setFault('west', { kind: 'unreachable' });
    expect(emu.mirrorState('west', 'dr', 'orders')?.status).toBe('SOURCE_UNAVAILABLE');
    expect(() => emu.fetch('west', 'orders', 0, 0)).toThrow(expect.objectContaining({ code: 'NETWORK_EXCEPTION' }));
    expect(() => emu.commitOffsets('west', 'g', [])).toThrow(expect.objectContaining({ code: 'NETWORK_EXCEPTION' }));
  });
});
