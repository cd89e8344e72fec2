/**
 * The REST API's consumer-group routes, written once and run on both backends: the emulator's memory
 * (test/confluent/groups.test.ts, in `npm test`) and a real Kafka cluster's groups under it (the bridge's brokers,
 * test/real-kafka/groups.test.ts, in `npm run test:real:kafka`). Every answer is checked against the published spec.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { until } from '../real-kafka/helpers.js';
import type { Client } from './rest.js';

export interface GroupsBackend {
  /**
   * A fresh emulator whose north holds topic `orders` (3 partitions) with 10 records on partition 0 and 4 on 1; group
   * `billing` committed at 2 (partition 0) and 4 (partition 1), with one member (client id `billing-app`) assigned
   * partition 0 only; group `idle` committed at 0 on partition 2 by a member that has left (an EMPTY classic group). Resolves
   * once the REST API shows both groups so, with the member's consumer id.
   */
  start(): Promise<{ north: Client; memberId: string }>;
  /** Ends the test's emulator and whatever the backend started for it. */
  stop(): Promise<void>;
  produce(cluster: string, topic: string, count: number, partition: number): Promise<void>;
}

export function groupsSuite(backend: GroupsBackend): void {
  let north: Client;
  let memberId: string;
  beforeEach(async () => ({ north, memberId } = await backend.start()));
  afterEach(() => backend.stop());

  describe('consumer groups', () => {
    it('lists and gets groups with their state', async () => {
      const list = await north.get('/consumer-groups');
      // kafka-rest lists the groups in the order the admin client returns them (ConsumerGroupsResource): none promised.
      const listed = list.json.data.map((g: { consumer_group_id: string; state: string; is_simple: boolean }) => [g.consumer_group_id, g.state, g.is_simple]);
      expect(listed.sort()).toEqual([
        ['billing', 'STABLE', false],
        ['idle', 'EMPTY', false],
      ]);
      expect((await north.get('/consumer-groups/billing')).json.type).toBe('CLASSIC');
      const missing = await north.get('/consumer-groups/nope');
      expect([missing.status, missing.json.message]).toEqual([404, 'Consumer group nope cannot be found.']);
    });

    it('lists consumers and gets one', async () => {
      const consumers = await north.get('/consumer-groups/billing/consumers');
      expect(
        consumers.json.data.map((c: { consumer_id: string; client_id: string; instance_id: null }) => [c.consumer_id, c.client_id, c.instance_id]),
      ).toEqual([[memberId, 'billing-app', null]]);
      expect((await north.get(`/consumer-groups/billing/consumers/${memberId}`)).json.consumer_id).toBe(memberId);
      expect((await north.get('/consumer-groups/billing/consumers/ghost')).status).toBe(404);
    });

    it('summarises and details lag from committed offsets and log ends', async () => {
      const summary = (await north.get('/consumer-groups/billing/lag-summary')).json;
      expect(summary).toMatchObject({
        max_lag: 8,
        total_lag: 8,
        max_lag_topic_name: 'orders',
        max_lag_partition_id: 0,
        max_lag_consumer_id: memberId,
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
      await backend.produce('north', 'orders', 5, 1);
      // The brokers' end offsets reach the REST API with the next read of the groups (at once on the emulator's memory).
      await until('the 5 new records in the lag', async () =>
        (await north.get('/consumer-groups/billing/lag-summary')).json.total_lag === 13 ? true : undefined,
      );
    });
  });
}
