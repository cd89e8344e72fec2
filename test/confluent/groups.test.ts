import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { Client, records, twoClusters } from './rest.js';

let emu: ConfluentEmulator;
let north: Client;
beforeEach(async () => {
  ({ emu, north } = await twoClusters());
  emu.createTopic('north', 'orders', { partitions: 3 });
  emu.produce('north', 'orders', records(10), 0);
  emu.produce('north', 'orders', records(4), 1);
  emu.commitOffsets('north', 'billing', [
    { topic: 'orders', partition: 0, offset: 2 },
    { topic: 'orders', partition: 1, offset: 4 },
  ]);
  emu.setGroupMembers('north', 'billing', [{ consumerId: 'consumer-1', clientId: 'billing-app', assignments: [{ topic: 'orders', partition: 0 }] }]);
  emu.commitOffsets('north', 'idle', [{ topic: 'orders', partition: 2, offset: 0 }]);
});
afterEach(() => emu.close());

describe('consumer groups', () => {
  it('lists and gets groups with their state', async () => {
    const list = await north.get('/consumer-groups');
    expect(list.json.data.map((g: { consumer_group_id: string; state: string; is_simple: boolean }) => [g.consumer_group_id, g.state, g.is_simple])).toEqual([
      ['billing', 'STABLE', false],
      ['idle', 'EMPTY', true],
    ]);
    expect((await north.get('/consumer-groups/billing')).json.type).toBe('CLASSIC');
    const missing = await north.get('/consumer-groups/nope');
    expect([missing.status, missing.json.message]).toEqual([404, 'Consumer group nope cannot be found.']);
  });

  it('lists consumers and gets one', async () => {
    const consumers = await north.get('/consumer-groups/billing/consumers');
    expect(consumers.json.data.map((c: { consumer_id: string; client_id: string; instance_id: null }) => [c.consumer_id, c.client_id, c.instance_id])).toEqual([
      ['consumer-1', 'billing-app', null],
    ]);
    expect((await north.get('/consumer-groups/billing/consumers/consumer-1')).json.consumer_id).toBe('consumer-1');
    expect((await north.get('/consumer-groups/billing/consumers/ghost')).status).toBe(404);
  });

  it('summarises and details lag from committed offsets and log ends', async () => {
    const summary = (await north.get('/consumer-groups/billing/lag-summary')).json;
    expect(summary).toMatchObject({
      max_lag: 8,
      total_lag: 8,
      max_lag_topic_name: 'orders',
      max_lag_partition_id: 0,
      max_lag_consumer_id: 'consumer-1',
      max_lag_client_id: 'billing-app',
    });
    const lags = (await north.get('/consumer-groups/billing/lags')).json.data;
    expect(
      lags.map((l: { partition_id: number; current_offset: number; log_end_offset: number; lag: number }) => [
        l.partition_id,
        l.current_offset,
        l.log_end_offset,
        l.lag,
      ]),
    ).toEqual([
      [0, 2, 10, 8],
      [1, 4, 4, 0],
    ]);
    expect((await north.get('/consumer-groups/billing/lags/orders/partitions/1')).json.lag).toBe(0);
    expect((await north.get('/consumer-groups/billing/lags/orders/partitions/2')).status).toBe(404);
    emu.produce('north', 'orders', records(5), 1);
    expect((await north.get('/consumer-groups/billing/lag-summary')).json.total_lag).toBe(13);
  });

  it('refuses commits for unknown topics or partitions', () => {
    expect(() => emu.commitOffsets('north', 'g', [{ topic: 'orders', partition: 3, offset: 0 }])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    );
    expect(() => emu.commitOffsets('north', 'g', [{ topic: 'ghost', partition: 0, offset: 0 }])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    );
    expect(emu.committedOffsets('north', 'g')).toEqual([]);
  });
});
