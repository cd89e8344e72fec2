import { afterEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator, MirrorLag } from '../../src/playground/confluent/index.js';
import { ManualClock, bidirectional, records, twoClusters } from './rest.js';

// A manual clock: replication happens exactly when the test moves time, whatever the machine's load.
let emu: ConfluentEmulator;
let clock: ManualClock;
afterEach(() => emu?.close());

async function setup(replicationDelayMs: number) {
  clock = new ManualClock();
  const started = await twoClusters({ clock, replicationDelayMs });
  emu = started.emu;
  return started;
}

const lagsOf = (body: { mirror_lags: MirrorLag[] }) => body.mirror_lags.map((l) => [l.lag, l.last_source_fetch_offset]);

describe('replication over a cluster link', () => {
  it('mirror_lags show real per-partition lag that drains after replicationDelayMs, offsets and keys preserved', async () => {
    const { west } = await setup(100);
    bidirectional(emu);
    emu.produce('north', 'orders', records(5), 0);
    emu.produce('north', 'orders', [
      { key: 'customer-1', value: 'k' },
      { key: 'customer-1', value: 'k2' },
    ]);
    const ends = emu.endOffsets('north', 'orders');
    expect(ends.reduce((a, b) => a + b)).toBe(7);
    expect(lagsOf((await west.get('/links/dr/mirrors/orders')).json)).toEqual(ends.map((end) => [end, 0]));
    clock.advance(99);
    expect(lagsOf((await west.get('/links/dr/mirrors')).json.data[0])).toEqual(ends.map((end) => [end, 0]));
    clock.advance(1);
    expect(lagsOf((await west.get('/links/dr/mirrors')).json.data[0])).toEqual(ends.map((end) => [0, end]));
    for (let p = 0; p < 4; p++) expect(emu.fetch('west', 'orders', p, 0)).toEqual(emu.fetch('north', 'orders', p, 0));
    const keyed = ends.findIndex((n, p) => p !== 0 && n > 0);
    expect(emu.fetch('west', 'orders', keyed, 0).map((r) => r.key)).toEqual(['customer-1', 'customer-1']);
  });

  it('an unreachable source freezes lag (stale), stops replication, and both resume when it comes back', async () => {
    const { west } = await setup(40);
    bidirectional(emu);
    emu.produce('north', 'orders', records(3), 1);
    await emu.setFault('north', { kind: 'unreachable' });
    const down = (await west.get('/links/dr/mirrors/orders')).json;
    expect([down.mirror_status, down.mirror_lags[1].lag]).toEqual(['SOURCE_UNAVAILABLE', 3]);
    clock.advance(1000);
    expect(emu.mirrorState('west', 'dr', 'orders')!.lags[1]).toEqual({ partition: 1, lag: 3, last_source_fetch_offset: 0 });
    expect(emu.endOffsets('west', 'orders')).toEqual([0, 0, 0, 0]);
    expect(() => emu.produce('north', 'orders', records(1))).toThrow(expect.objectContaining({ code: 'NETWORK_EXCEPTION' }));
    await emu.setFault('north', null);
    expect(emu.mirrorState('west', 'dr', 'orders')!.status).toBe('ACTIVE');
    // Records that waited longer than the delay arrive at once.
    expect(emu.endOffsets('west', 'orders')).toEqual([0, 3, 0, 0]);
  });

  it('an unreachable destination stops receiving and shows SOURCE_UNAVAILABLE to its own state', async () => {
    await setup(20);
    bidirectional(emu);
    await emu.setFault('west', { kind: 'unreachable' });
    emu.produce('north', 'orders', records(2), 0);
    clock.advance(100);
    expect(emu.mirrorState('west', 'dr', 'orders')).toEqual({
      status: 'SOURCE_UNAVAILABLE',
      lags: [0, 1, 2, 3].map((p) => ({ partition: p, lag: 0, last_source_fetch_offset: 0 })),
    });
    await emu.setFault('west', null);
    expect(emu.endOffsets('west', 'orders')).toEqual([2, 0, 0, 0]);
  });

  it('syncs consumer offsets over a link with consumer.offset.sync.enable, capped at the mirror end, until failover', async () => {
    const { west } = await setup(20);
    emu.createTopic('north', 'orders', { partitions: 2 });
    emu.createLink('west', 'dr', {
      remote: 'north',
      configs: {
        'consumer.offset.sync.enable': 'true',
        'consumer.offset.sync.ms': '30',
        'consumer.offset.group.filters': JSON.stringify({ groupFilters: [{ name: 'app-', patternType: 'PREFIXED', filterType: 'INCLUDE' }] }),
      },
    });
    emu.createMirror('west', 'dr', 'orders');
    emu.produce('north', 'orders', records(4), 0);
    // Committed past the log end on the source: the synced offset stops at what the mirror holds.
    emu.commitOffsets('north', 'app-billing', [{ topic: 'orders', partition: 0, offset: 9 }]);
    emu.commitOffsets('north', 'other', [{ topic: 'orders', partition: 0, offset: 1 }]);
    clock.advance(29);
    expect(emu.committedOffsets('west', 'app-billing')).toEqual([]);
    clock.advance(1);
    expect(emu.committedOffsets('west', 'app-billing')).toEqual([{ topic: 'orders', partition: 0, offset: 4 }]);
    expect(emu.committedOffsets('west', 'other')).toEqual([]);
    await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    clock.advance(50);
    expect(emu.mirrorState('west', 'dr', 'orders')!.status).toBe('STOPPED');
    emu.commitOffsets('north', 'app-billing', [{ topic: 'orders', partition: 0, offset: 2 }]);
    for (let i = 0; i < 3; i++) {
      clock.advance(30); // three sync intervals, each observed
      expect(emu.committedOffsets('west', 'app-billing')).toEqual([{ topic: 'orders', partition: 0, offset: 4 }]);
    }
    expect(emu.committedOffsets('west', 'app-billing')).toEqual([{ topic: 'orders', partition: 0, offset: 4 }]);
  });
});
