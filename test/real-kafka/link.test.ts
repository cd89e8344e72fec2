/**
 * The cluster link's data plane on two real Kafka clusters (src/playground/real/kafka/link.ts): offset-preserving
 * copies, read-only mirrors by a WRITE deny, consumer offset sync, lags from the real end offsets, a failover that
 * leaves exactly the lagging records behind, and an outage through the source's proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRealKafka, kafkaConfig, type RealKafka, type RealKafkaCluster } from '../../src/playground/real/kafka/index.js';
import { RealClusterLink } from '../../src/playground/real/kafka/link.js';
import { Kafka } from '../../src/playground/real/kafka/kafkajs.js';
import { startConfluent } from '../../src/playground/confluent/index.js';
import { commitOffset, createTopic, endOffsets, kafkaError, until } from './helpers.js';

let kafka: RealKafka;
let north: RealKafkaCluster;
let west: RealKafkaCluster;
let link: RealClusterLink | undefined;

beforeAll(async () => {
  kafka = await startRealKafka({ log: () => undefined });
  north = kafka.cluster('north');
  west = kafka.cluster('west');
}, 600_000);

afterAll(async () => {
  await link?.close();
  await kafka?.stop();
});

const client = (cluster: RealKafkaCluster, user: 'operator' | 'app', overrides = {}) => new Kafka(kafkaConfig(cluster, user, overrides));

async function produce(cluster: RealKafkaCluster, topic: string, values: string[], partition?: number): Promise<void> {
  const producer = client(cluster, 'app', { retry: { retries: 1 } }).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value, partition })) });
  } finally {
    await producer.disconnect();
  }
}

/** Every record of a topic, as `partition/offset key=value`, read with the operator key from the beginning. */
async function records(cluster: RealKafkaCluster, topic: string, count: number): Promise<string[]> {
  const seen: string[] = [];
  const consumer = client(cluster, 'operator').consumer({ groupId: `reader-${topic}-${cluster.name}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push(`${partition}/${message.offset} ${message.key}=${message.value}`) });
    await until(`${count} records of ${topic} on ${cluster.name}`, () => (seen.length >= count ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  return seen.sort();
}

const ends = endOffsets;

describe('a cluster link between two real Kafka clusters', () => {
  it('copies a topic partition by partition with the same offsets, keys and values, and keeps the mirror read-only for applications', async () => {
    await createTopic(north, 'orders', 3);
    for (let p = 0; p < 3; p++)
      await produce(
        north,
        'orders',
        Array.from({ length: 10 + p * 5 }, (_, i) => `p${p}-${i}`),
        p,
      );

    link = await RealClusterLink.start({
      name: 'dr-link',
      source: north,
      destination: west,
      offsetSync: { everyMs: 300, accept: (g) => g.startsWith('billing') },
    });
    await link.mirror('orders');
    await until('the mirror caught up', async () => ((await link!.lags('orders')).every((l) => l.lag === 0) ? true : undefined), 60_000);
    expect(await ends(west, 'orders')).toEqual([10, 15, 20]);
    expect(await ends(west, 'orders')).toEqual(await ends(north, 'orders'));
    expect(await records(west, 'orders', 45)).toEqual(await records(north, 'orders', 45));

    // A producer on the mirror gets Kafka's own authorization error: the mirror is the link's alone.
    const refused = await produce(west, 'orders', ['intruder']).catch((e: unknown) => e);
    expect(kafkaError(refused)).toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(await ends(west, 'orders')).toEqual([10, 15, 20]);
  });

  it('syncs the committed offsets of the selected consumer groups (and only those) to the destination', async () => {
    for (const groupId of ['billing-app', 'audit']) {
      const consumer = client(north, 'app').consumer({ groupId });
      await consumer.connect();
      await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
      let n = 0;
      await consumer.run({ autoCommit: false, eachMessage: async () => void n++ });
      await until(`${groupId} read everything`, () => (n >= 45 ? true : undefined), 60_000);
      await consumer.commitOffsets([0, 1, 2].map((partition) => ({ topic: 'orders', partition, offset: String(5 + partition) })));
      await consumer.disconnect();
    }
    const admin = client(west, 'operator').admin();
    await admin.connect();
    try {
      const synced = await until(
        'billing-app synced to west',
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId: 'billing-app', topics: ['orders'] });
          const got = offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
          return got.every((o) => o >= 0) ? got : undefined;
        },
        30_000,
      );
      expect(synced).toEqual([5, 6, 7]);
      const [audit] = await admin.fetchOffsets({ groupId: 'audit', topics: ['orders'] });
      expect(audit.partitions.map((p) => Number(p.offset))).toEqual([-1, -1, -1]);
    } finally {
      await admin.disconnect();
    }
    expect(link!.lastSync.groups).toEqual(['billing-app']);
  });

  it('measures the lag from the real end offsets; a failover stops at once, leaves exactly the lagging records behind, and makes the topic writable', async () => {
    const slow = await RealClusterLink.start({ name: 'slow-link', source: north, destination: west, delayMs: 60_000 });
    try {
      await createTopic(north, 'payments', 2);
      await slow.mirror('payments');
      await produce(north, 'payments', ['a', 'b', 'c'], 1);
      const lags = await until('the lag shows', async () => {
        const l = await slow.lags('payments');
        return l.some((x) => x.lag > 0) ? l : undefined;
      });
      expect(lags.map((l) => [l.partition, l.lag])).toEqual([
        [0, 0],
        [1, 3],
      ]);
      await slow.failover('payments');
      expect(slow.status('payments')).toBe('STOPPED');
      expect(slow.stoppedOffsets('payments')).toEqual([0, 0]);
      expect(await ends(north, 'payments')).toEqual([0, 3]);
      expect(await ends(west, 'payments')).toEqual([0, 0]);
      // Writable now for the applications, at the offsets the mirror had.
      await produce(west, 'payments', ['x'], 1);
      expect(await ends(west, 'payments')).toEqual([0, 1]);
      expect((await slow.lags('payments')).map((l) => l.lastSourceFetchOffset)).toEqual([-1, -1]);
    } finally {
      await slow.close();
    }
  });

  it('while the source is out of reach through its proxy, the lag is the last one the link learnt (records taken since are not counted), and copying resumes when it is back', async () => {
    await until('caught up', async () => ((await link!.lags('orders')).every((l) => l.lag === 0) ? true : undefined), 60_000);
    const before = await ends(north, 'orders');
    await north.proxy!.setMode('refuse');
    try {
      // North still takes records, on its internal listener, which clients and the link do not use.
      const inside = new Kafka(kafkaConfig(north, 'admin', { brokers: [north.internal] })).producer({ allowAutoTopicCreation: false });
      await inside.connect();
      await inside.send({
        topic: 'orders',
        acks: -1,
        messages: [
          { value: 'unseen-1', partition: 0 },
          { value: 'unseen-2', partition: 0 },
        ],
      });
      await inside.disconnect();
      const during = await link!.lags('orders');
      expect(during.map((l) => l.lag)).toEqual([0, 0, 0]);
      expect(during.map((l) => l.lastSourceFetchOffset)).toEqual(before);
    } finally {
      await north.proxy!.setMode('forward');
    }
    await until('copied after the outage', async () => ((await ends(west, 'orders'))[0] === before[0] + 2 ? true : undefined), 60_000);
    expect(await ends(west, 'orders')).toEqual(await ends(north, 'orders'));
  });

  it('and the Confluent emulator agree (differential): the lag of records not yet copied, synced offsets capped at the mirror, what a failover leaves behind, the topic writable after', async () => {
    // One story on both backends: a 2-partition topic mirrored with a 60 s replication delay, 3 records produced on
    // partition 1, a group committed at offset 2 there, an offset sync, a failover, one write on the destination.
    let now = Date.now();
    const emu = await startConfluent({
      clusters: [{ name: 'north' }, { name: 'west' }],
      replicationDelayMs: 60_000,
      transitionMs: 10,
      clock: { now: () => now },
    });
    // Offset sync selects ledger-app; its round is run by the test (the timer's interval is longer than the test).
    const real = await RealClusterLink.start({
      name: 'diff-link',
      source: north,
      destination: west,
      delayMs: 60_000,
      offsetSync: { everyMs: 3_600_000, accept: (g) => g === 'ledger-app' },
    });
    try {
      const story = {
        async emulator() {
          emu.createTopic('north', 'ledger', { partitions: 2 });
          emu.createLink('west', 'dr', {
            remote: 'north',
            configs: {
              'consumer.offset.sync.enable': 'true',
              'consumer.offset.sync.ms': '1000',
              'consumer.offset.group.filters': JSON.stringify({ groupFilters: [{ name: 'ledger-app', patternType: 'LITERAL', filterType: 'INCLUDE' }] }),
            },
          });
          emu.createMirror('west', 'dr', 'ledger');
          emu.produce('north', 'ledger', [{ value: 'a' }, { value: 'b' }, { value: 'c' }], 1);
          emu.commitOffsets('north', 'ledger-app', [{ topic: 'ledger', partition: 1, offset: 2 }]);
          now += 1000; // one offset sync interval, far less than the replication delay
          const lags = emu.mirrorState('west', 'dr', 'ledger')!.lags.map((l) => l.lag);
          const synced = emu.committedOffsets('west', 'ledger-app').map((o) => [o.partition, o.offset]);
          const west = await fetch(`${emu.info('west').restEndpoint}/kafka/v3/clusters/${emu.info('west').id}/links/dr/mirrors:failover`, {
            method: 'POST',
            headers: {
              authorization: `Basic ${Buffer.from(`${emu.info('west').apiKey}:${emu.info('west').apiSecret}`).toString('base64')}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ mirror_topic_names: ['ledger'] }),
          });
          expect(west.status).toBe(200);
          now += 100;
          const lost = emu.endOffsets('north', 'ledger').map((n, p) => n - emu.endOffsets('west', 'ledger')[p]);
          emu.produce('west', 'ledger', [{ value: 'x' }], 1);
          return { lags, synced, status: emu.mirrorState('west', 'dr', 'ledger')!.status, lost, westEnds: emu.endOffsets('west', 'ledger') };
        },
        async real() {
          await createTopic(north, 'ledger', 2);
          await real.mirror('ledger');
          await produce(north, 'ledger', ['a', 'b', 'c'], 1);
          await commitOffset(north, 'ledger-app', 'ledger', 1, 2);
          const lags = (
            await until('the lag shows', async () => {
              const l = await real.lags('ledger');
              return l[1]?.lag === 3 ? l : undefined;
            })
          ).map((l) => l.lag);
          await real.syncOffsets();
          const wadmin = client(west, 'operator').admin();
          await wadmin.connect();
          const [offsets] = await wadmin.fetchOffsets({ groupId: 'ledger-app', topics: ['ledger'] });
          await wadmin.disconnect();
          const synced = offsets.partitions.filter((o) => Number(o.offset) >= 0).map((o) => [o.partition, Number(o.offset)]);
          await real.failover('ledger');
          const northEnds = await ends(north, 'ledger');
          const westBefore = await ends(west, 'ledger');
          await produce(west, 'ledger', ['x'], 1);
          return { lags, synced, status: real.status('ledger'), lost: northEnds.map((n, p) => n - westBefore[p]), westEnds: await ends(west, 'ledger') };
        },
      };
      const emulated = await story.emulator();
      const measured = await story.real();
      expect(emulated).toEqual({ lags: [0, 3], synced: [[1, 0]], status: 'STOPPED', lost: [0, 3], westEnds: [0, 1] });
      expect(measured).toEqual(emulated);
    } finally {
      await real.close();
      await emu.close();
    }
  });
});
