import { describe, expect, it } from '@jest/globals';
import { records, twoClusters } from './rest.js';
import { groupsSuite } from './groups-suite.js';

// The suite on the emulator's memory (test/real-kafka/groups.test.ts runs it on real brokers).
let started: Awaited<ReturnType<typeof twoClusters>>;
groupsSuite({
  async start() {
    started = await twoClusters();
    const { emu } = started;
    emu.createTopic('north', 'orders', { partitions: 3 });
    emu.produce('north', 'orders', records(10), 0);
    emu.produce('north', 'orders', records(4), 1);
    emu.commitOffsets('north', 'billing', [
      { topic: 'orders', partition: 0, offset: 2 },
      { topic: 'orders', partition: 1, offset: 4 },
    ]);
    emu.setGroupMembers('north', 'billing', [{ consumerId: 'consumer-1', clientId: 'billing-app', assignments: [{ topic: 'orders', partition: 0 }] }]);
    emu.commitOffsets('north', 'idle', [{ topic: 'orders', partition: 2, offset: 0 }]);
    emu.setGroupMembers('north', 'idle', [{ consumerId: 'consumer-2', clientId: 'idle-app', assignments: [{ topic: 'orders', partition: 2 }] }]);
    emu.setGroupMembers('north', 'idle', []);
    return { north: started.north, memberId: 'consumer-1' };
  },
  stop: () => started.emu.close(),
  async produce(cluster, topic, count, partition) {
    started.emu.produce(cluster, topic, records(count), partition);
  },
});

// The suite's set-up runs before this one too (north's orders has 3 partitions).
describe("consumer groups (the emulator's own commits)", () => {
  it('refuses commits for unknown topics or partitions', () => {
    expect(() => started.emu.commitOffsets('north', 'g', [{ topic: 'orders', partition: 3, offset: 0 }])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    );
    expect(() => started.emu.commitOffsets('north', 'g', [{ topic: 'ghost', partition: 0, offset: 0 }])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    );
    expect(started.emu.committedOffsets('north', 'g')).toEqual([]);
  });

  it('a group only committed to from outside (no member ever joined) is simple: no protocol type, EMPTY', async () => {
    // Kafka's coordinator gives a group its protocol type when a member joins; offsets committed without a member (the
    // admin client's alterConsumerGroupOffsets, the emulator's commitOffsets) leave it simple. kafkajs has no such
    // commit (its setOffsets joins the group), so only the emulator's side of this is run here.
    started.emu.commitOffsets('north', 'outside', [{ topic: 'orders', partition: 0, offset: 1 }]);
    const group = (await started.north.get('/consumer-groups/outside')).json;
    expect([group.state, group.is_simple, group.partition_assignor]).toEqual(['EMPTY', true, '']);
  });
});
